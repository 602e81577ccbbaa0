"""The demo county: a plausible ledger, loaded through the real import service.

Built as the sheets a project office would keep, then imported with ``import_ledger``: the
demo exercises the same path as a real county's first upload. It is dated from the day it is
seeded (``today``): the three years end at the year of the period that is due
(``investment.rules.periods.due_period``), that period's reports are in, the month being reported
(before its due day) is partly in, and milestones, findings and their clocks read as an office
would have them on that day. The same day and seed give the same county on every machine.

What a clerk sees (ledger/services/demo_catalogue.py holds the units and who runs what): each project
run by the unit whose remit it is, stages from 储备 to 投产 (and one 替换), most findings closed
and a few overdue by days or weeks, and most projects on schedule with a handful lagging at
either warning level (DESIGN.md §3's lag reasons, issue 17's yellow and red thresholds).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.services import unrecorded
from core.formatting import wan_text
from core.versioning import bulk_update_recorded
from core.xlsx import render_workbook
from investment.models import MonthlyReport
from investment.rules import period_end
from ledger.rules import schema
from ledger.rules.results import ImportResult
from ledger.services.demo_batches import batches_story
from ledger.services.demo_calendar import DemoCalendar
from ledger.services.demo_catalogue import (
    DEPARTMENT_PROJECTS,
    DEPARTMENTS,
    PROJECTS_PER_TOWNSHIP,
    TOWNSHIP_PROJECTS,
    TOWNSHIPS,
)
from ledger.services.demo_funds import funds_story
from ledger.services.demo_promotion import promotion_story
from ledger.services.demo_quality import quality_story
from ledger.services.demo_supervision import supervision_story
from ledger.services.importer import import_ledger
from projects.models import Project, Stage, Unit, User
from projects.services.revisions import project_revise

__all__ = ["DEPARTMENTS", "TOWNSHIPS", "DemoCalendar", "build_ledger", "seed_demo"]

DEMO_PASSWORD = "Demo@2026"
LEADERS = ["王县长", "李副县长", "张副县长", "刘副县长", "陈副书记", "赵常务副县长"]
# Share of a year's investment done in each month: slow in Jan–Feb, peaks in Q2–Q3.
SEASON = [0.35, 0.45, 0.95, 1.05, 1.15, 1.25, 1.2, 1.2, 1.1, 1.0, 0.9, 0.8]
APPROVALS = [("立项", 150), ("用地预审与选址", 110), ("环评", 80), ("施工许可", 20)]
EXTRA_WORKS = ["配套道路完工", "设备安装调试", "外电线路接入", "附属工程完工"]
PROBLEMS = {
    "用地": "项目用地报批进度慢，影响开工",
    "资金": "配套资金未及时到位",
    "审批": "施工许可手续尚未办结",
    "环评": "环评批复尚未取得",
    "征迁": "项目征迁未完成，影响施工",
    "水电气": "施工用电未接入",
    "其他": "雨季施工组织不力，进度滞后",
}
OPERATING_INDUSTRIES = {"工业", "能源"}
# How many of the year's rows lag, by reason and level (issue 17's default rules).
LAGGING = {
    "invest_yellow": 6,  # 10–30 points behind 序时进度
    "invest_red": 3,  # more than 30 behind
    "missing_yellow": 3,  # the due month not reported
    "missing_red": 1,  # two months running
    "milestone_yellow": 3,  # a milestone overdue by up to 30 days
    "milestone_red": 2,  # by more than 30
    "stats_yellow": 1,  # started five to eight weeks ago, not yet 纳统
    "stats_red": 1,  # started months ago, not yet 纳统
}
# Ledger findings past their deadline and not closed, by days overdue: days or weeks, not years.
OPEN_OVERDUE_FINDINGS = {8: "整改中", 19: "已整改", 37: "整改中"}


@dataclass
class Row:
    year: int
    plan: Decimal
    nature: str
    actual_start: date | None
    statistics_date: date | None = None
    replaced_by: str = ""


@dataclass
class DemoProject:
    unit: str
    industry: str
    name: str
    enterprise: bool
    story: str = "running"
    code: str = ""
    total: Decimal = Decimal(0)
    level: str = "县重点"
    planned_start: date = date.min  # every story sets both
    planned_end: date = date.min
    actual_end: date | None = None
    rows: list[Row] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)  # which LAGGING kinds this project shows
    ahead: float = 0.1  # the focus year's completion, as a share above the county's season
    gap: float = 0.0  # for a lagging project: points behind 序时进度 at the due month / 100

    @property
    def stage(self) -> str:
        if self.story == "replaced":
            return "替换"
        if self.story in ("done", "finishing"):
            return "投产" if self.enterprise or self.industry in OPERATING_INDUSTRIES else "竣工"
        return {"reserve": "储备", "prep": "前期"}.get(self.story, "在建")


def _catalogue(rng: random.Random) -> list[DemoProject]:
    projects = [
        DemoProject(unit, industry, name, enterprise)
        for unit, entries in DEPARTMENT_PROJECTS.items()
        for industry, name, enterprise in entries
    ]
    for township in TOWNSHIPS:
        for industry, name in rng.sample(TOWNSHIP_PROJECTS, PROJECTS_PER_TOWNSHIP):
            projects.append(DemoProject(township, industry, township + name, False))
    return projects


def _day(rng: random.Random, year: int, months: tuple[int, int]) -> date:
    return date(year, rng.randint(*months), rng.randint(1, 28))


def _clamp(day: date, low: date, high: date) -> date:
    return max(low, min(day, high))


def _plan_county(rng: random.Random, cal: DemoCalendar) -> list[DemoProject]:
    """Every project's story, dates and plan rows."""
    projects = _catalogue(rng)
    order = list(range(len(projects)))
    rng.shuffle(order)
    finishing = 8 if cal.month >= 3 else 0
    quotas = [("replaced", 1), ("reserve", 6), ("prep", 10), ("done", 36), ("finishing", finishing)]
    stories: list[str] = [story for story, n in quotas for _ in range(n)]
    enterprises = [i for i in order if projects[i].enterprise][:4]
    order = [i for i in order if i not in enterprises]
    done = len(stories) - finishing  # built, now in production (投产): two this year if it can
    order[done:done] = enterprises[2:] if finishing else []
    order[done - 20 : done - 20] = enterprises[:2] if finishing else enterprises
    for index, story in zip(order, stories, strict=False):
        projects[index].story = story
    _every_unit_building(projects)
    focus = cal.year
    for serial, project in enumerate(projects, start=1):
        township = project.unit in TOWNSHIPS
        scale = rng.choice([1, 2, 3, 5]) if township else rng.choice([3, 5, 8, 12, 20, 30, 50, 80])
        project.total = Decimal(scale * rng.randint(600 if township else 800, 1500))
        big = project.total >= 40000
        project.level = rng.choices(
            ["省重点", "市重点", "县重点"], weights=[3, 5, 2] if big else [0, 2, 8]
        )[0]
        _dates(rng, cal, project)
        first_year = project.planned_start.year
        project.code = f"{max(min(first_year, focus), focus - 3)}-610933-{rng.randint(10, 99)}-0{rng.randint(1, 3)}-{serial:06d}"
        if serial % 17 == 0:
            project.code = f"ZS-{first_year}-{serial:03d}"  # not yet coded on the national platform
    replacement = next(p for p in projects if p.story == "running" and p.rows[-1].year == focus)
    replaced = next(p for p in projects if p.story == "replaced")
    replaced.total = (replacement.total * Decimal("0.8")).quantize(Decimal("1"))
    replaced.rows[-1].plan = min(replaced.rows[-1].plan, replaced.total)
    replaced.rows[-1].replaced_by = replacement.code
    _mark_laggards(rng, cal, projects)
    return projects


def _every_unit_building(projects: list[DemoProject]) -> None:
    """Every unit has a project under construction this year: a unit with none swaps a story
    with a unit that has three or more."""

    def building(unit: str) -> list[DemoProject]:
        return [p for p in projects if p.unit == unit and p.story == "running"]

    for unit in dict.fromkeys(p.unit for p in projects):
        if building(unit):
            continue
        idle = next(p for p in projects if p.unit == unit and p.story in ("done", "prep"))
        donor = next(
            p
            for p in projects
            if len(building(p.unit)) >= 3
            and p.story == "running"
            and p.enterprise == idle.enterprise
        )
        idle.story, donor.story = "running", idle.story


def _dates(rng: random.Random, cal: DemoCalendar, project: DemoProject) -> None:
    focus, end = cal.year, cal.end
    story = project.story
    if story == "running":
        first_year = rng.choice([focus - 3, focus - 2, focus - 2, focus - 1, focus - 1, focus])
        if first_year == focus and cal.month < 2:
            first_year = focus - 1
        if first_year == focus:
            planned = _day(rng, focus, (2, min(4, cal.month)))
            started = _clamp(planned + timedelta(days=rng.randint(-5, 15)), date(focus, 2, 1), end)
        else:
            planned = _day(rng, first_year, (3, 9))
            started = planned + timedelta(days=rng.randint(-5, 20))
        project.planned_start = planned
        project.planned_end = date(focus + rng.choice([1, 1, 2]), rng.choice([6, 9, 12]), 28)
        last_year = focus
    elif story in ("done", "finishing"):
        first_year = rng.choice([focus - 4, focus - 3, focus - 3])
        if story == "done":
            last_year = rng.choice([focus - 2, focus - 1])
            project.planned_end = _day(rng, last_year, (6, 12))
            project.actual_end = project.planned_end + timedelta(days=rng.randint(-25, 20))
            project.actual_end = min(project.actual_end, date(last_year, 12, 20))
        else:
            first_year = max(first_year, focus - 2)
            last_year = focus
            project.planned_end = _day(rng, focus, (2, cal.month - 1))
            project.actual_end = _clamp(
                project.planned_end + timedelta(days=rng.randint(-20, 10)),
                date(focus, 2, 15),
                end - timedelta(days=20),
            )
        project.planned_start = _day(rng, first_year, (3, 9))
        started = project.planned_start + timedelta(days=rng.randint(-5, 20))
    else:  # reserve, prep, replaced: on the focus year's list, not started
        first_year = last_year = focus
        started = None
        if story == "reserve":
            planned = _day(rng, focus + 1, (3, 6))
        elif story == "replaced":
            planned = end - timedelta(days=rng.randint(120, 160))  # could not start: swapped
        else:
            planned = end + timedelta(days=rng.randint(20, 150))
        project.planned_start = planned
        project.planned_end = date(planned.year + 2, 12, 28)
    years = [y for y in cal.years if max(first_year, focus - 2) <= y <= last_year]
    span = max(project.planned_end.year - first_year + 1, 1)
    for year in years:
        share = Decimal(str(round(rng.uniform(0.7, 1.0), 2)))
        plan = (project.total / span * share).quantize(Decimal("1"))
        if story in ("reserve", "prep"):
            plan = Decimal(0)  # on the list for its 前期 work: no investment target this year
        elif story == "replaced":
            plan = (project.total * Decimal("0.25")).quantize(Decimal("1"))
        if year == first_year:
            start = started
        else:  # a continuing project resumes (复工) early in the year
            start = _day(rng, year, (1, 3))
            if year == focus:
                start = _clamp(start, date(year, 1, 2), end - timedelta(days=3))
            if project.actual_end and project.actual_end.year == year:
                start = min(start, project.actual_end - timedelta(days=20))
        stats = None
        if started is not None:
            stats = started + timedelta(days=rng.randint(8, 28))
            stats = stats if stats <= cal.today else None
        project.rows.append(Row(year, plan, "新建" if year == first_year else "续建", start, stats))


def _mark_laggards(rng: random.Random, cal: DemoCalendar, projects: list[DemoProject]) -> None:
    """Pick the focus year's lagging rows (each a different project), the prep project whose
    planned start has passed (yellow), the one three months late (red) and the one planned to
    start later in the year."""
    running = [p for p in projects if p.story == "running"]
    # The season is behind 序时进度 until May (slow Jan–Feb): only a little below it later on.
    low = 0.0 if cal.month < 5 else -0.06
    for project in running:
        project.ahead = rng.uniform(low, 0.08)
    early = [
        p for p in running if (p.rows[-1].actual_start or cal.end).month <= max(cal.month - 1, 1)
    ]
    new = [p for p in running if p.rows[-1].nature == "新建"]
    pool = list(early)
    rng.shuffle(pool)
    for kind, n in LAGGING.items():
        if kind.startswith("stats"):
            chosen = [p for p in new if not p.marks][:n]
            for project in chosen:
                project.rows[-1].statistics_date = None
            if kind == "stats_yellow":
                chosen = [p for p in chosen if _recent_start(rng, cal, p)]
        else:
            if kind == "missing_red" and cal.month < 2:
                continue
            chosen = [p for p in pool if not p.marks][:n]
        for project in chosen:
            project.marks.add(kind)
            if kind == "invest_yellow":
                project.gap = rng.uniform(0.12, 0.27)
            elif kind == "invest_red":
                project.gap = rng.uniform(0.33, 0.45)
    prep = [p for p in projects if p.story == "prep"]
    late = {"prep_yellow": 10, "prep_red": 110}  # days late at the period's end
    for project, (kind, days) in zip(prep, late.items(), strict=False):
        project.marks.add(kind)
        project.planned_start = cal.end - timedelta(days=days + rng.randint(0, 15))
        project.planned_end = date(project.planned_start.year + 2, 12, 28)
        if kind == "prep_red":  # a new start this year that has not happened
            project.rows[-1].plan = (project.total * Decimal("0.2")).quantize(Decimal("1"))
    # One with money in the year's plan is planned to start later in the year (on 20 December
    # when November is due): not due to start, so no warning, and grey 未到开工期 on the board.
    later = [p for p in prep if not p.marks]
    if later and cal.month < 12:
        project = later[0]
        project.marks.add("before_start")
        project.planned_start = min(cal.end + timedelta(days=20), date(cal.year, 12, 20))
        project.planned_end = date(cal.year + 2, 12, 28)
        project.rows[-1].plan = (project.total * Decimal("0.1")).quantize(Decimal("1"))


def _recent_start(rng: random.Random, cal: DemoCalendar, project: DemoProject) -> bool:
    """Move a new project's start to five to eight weeks before the period's end, with a plan
    for the rest of the year only; False when that falls outside the year."""
    started = cal.end - timedelta(days=rng.randint(36, 55))
    if started.year != cal.year or started.month < 2:
        return False
    row = project.rows[-1]
    project.planned_start = started - timedelta(days=rng.randint(0, 10))
    row.actual_start = started
    row.plan = (project.total * Decimal("0.08")).quantize(Decimal("1"))
    return True


def build_ledger(seed: int = 2026, *, today: date | None = None) -> dict[str, list[list[Any]]]:
    """The demo county's ledger as sheets of rows (headers first), dated from ``today``."""
    return _build(seed, DemoCalendar.on(today or timezone.localdate()))[1]


def _build(seed: int, cal: DemoCalendar) -> tuple[list[DemoProject], dict[str, list[list[Any]]]]:
    rng = random.Random(seed)
    county = _plan_county(rng, cal)
    sheets: dict[str, list[list[Any]]] = {
        name: [list(schema.SHEETS[name].headers)] for name in schema.SHEETS
    }
    for project in county:
        leader, private = rng.choice(LEADERS), "是" if project.enterprise else "否"
        for row in project.rows:
            sheets[schema.PROJECTS].append(
                [project.code, project.name, project.unit, project.level, row.nature,
                 project.total, row.year, row.plan, project.industry, project.planned_start,
                 project.planned_end, row.actual_start, leader, private,
                 f"{project.name}，总投资{wan_text(project.total)}。", project.stage,
                 row.statistics_date, "", None, None, row.replaced_by]
            )  # fmt: skip
            _reports(rng, cal, project, row, sheets[schema.REPORTS])
        _milestones(rng, cal, project, sheets[schema.MILESTONES])
    _funds(rng, county, sheets[schema.FUNDS])
    _findings(rng, cal, county, sheets[schema.FINDINGS])
    return county, sheets


def _cumulative(month: int) -> float:
    """The county's seasonal share of a year's investment done by the end of ``month``."""
    return sum(SEASON[:month]) / sum(SEASON)


def _reports(
    rng: random.Random, cal: DemoCalendar, project: DemoProject, row: Row, rows: list[list[Any]]
) -> None:
    if row.actual_start is None:
        return
    start = row.actual_start.month if row.actual_start.year == row.year else 1
    focus = row.year == cal.year
    last = 12 if not focus else (cal.in_progress or cal.month)
    finish = 12
    if project.actual_end and project.actual_end.year == row.year:
        finish = project.actual_end.month
    share = _shares(project, row, start, finish, focus, cal.month)
    skipped: set[int] = set()
    if focus and "missing_red" in project.marks:
        skipped = {cal.month, cal.month - 1}
    elif focus and "missing_yellow" in project.marks:
        skipped = {cal.month}
    if skipped and cal.in_progress:
        skipped.add(cal.in_progress)  # a unit late with the due month has not begun the next
    for month in range(start, last + 1):
        if month in skipped:
            continue
        amount = (row.plan * Decimal(str(share.get(month, 0)))).quantize(Decimal("0.01"))
        problem = rng.choice(list(PROBLEMS.values())) if rng.random() < 0.12 else ""
        rows.append([project.code, row.year, month, amount, _progress(month, start, finish),
                     problem])  # fmt: skip


def _shares(
    project: DemoProject, row: Row, start: int, finish: int, focus: bool, due_month: int
) -> dict[int, float]:
    """Each month's share of the row's plan.

    A past year's row spreads its plan over its months by the season; a row of the focus year
    still running tracks the county's seasonal curve, ahead of it by ``project.ahead``, or
    behind 序时进度 at the due month by the points its lag marks ask for.
    """
    if not focus or project.story != "running":
        months = range(start, finish + 1)
        weight = sum(SEASON[m - 1] for m in months)
        if not weight:
            return {}
        factor = 1 + project.ahead
        return {m: SEASON[m - 1] / weight * factor for m in months}
    factor = 1 + project.ahead
    schedule = due_month / 12
    if project.marks & {"invest_yellow", "invest_red"}:
        target = schedule - project.gap
        factor = max(target, 0.03) / _cumulative(due_month)
    shares, done = {}, 0.0
    for month in range(start, 13):
        total = _cumulative(month) * factor
        shares[month] = max(total - done, 0)
        done = max(total, done)
    return shares


def _progress(month: int, start_month: int, finish_month: int) -> str:
    """The month's 形象进度, saying how far the year's works are (a text that moves on each
    month, as the 形象进度多月未变 rule expects of a project that invests)."""
    if month > finish_month:
        return "已竣工验收"
    stage = month - start_month
    done = round(100 * (stage + 1) / (finish_month - start_month + 1))
    if stage <= 0:
        return "开工建设，场地平整"
    if stage <= 3:
        return f"基础施工，完成年度工程量约{done}%"
    if stage <= 7:
        return f"主体施工，完成年度工程量约{done}%"
    return f"附属工程及装饰装修，完成年度工程量约{done}%"


def _done(
    rng: random.Random, planned: date, *, by: date, jitter: tuple[int, int] = (-10, 6)
) -> date:
    """A milestone met near its planned day, never after ``by``."""
    return min(planned + timedelta(days=rng.randint(*jitter)), by)


def _milestones(
    rng: random.Random, cal: DemoCalendar, project: DemoProject, rows: list[list[Any]]
) -> None:
    """Approvals before the start, works at the start, halfway and the end.

    Every milestone planned by the period's end is met by then, except the lag marks': a
    milestone due by a clerk's today is mostly met, and a later one is pending.
    """
    end, today = cal.end, cal.today
    start = next((row.actual_start for row in project.rows if row.actual_start), None)
    planned_start, planned_end = project.planned_start, project.planned_end

    def met(planned: date, by: date) -> date | None:
        if planned <= end:
            return _done(rng, planned, by=min(by, end))
        if planned <= today and rng.random() < 0.7:
            return _done(rng, planned, by=min(by, today), jitter=(-6, 0))
        return None

    for name, days_before in APPROVALS:
        planned = planned_start - timedelta(days=days_before + rng.randint(-7, 7))
        done = met(planned, by=start or today)
        if name == "施工许可" and "prep_red" in project.marks:
            done = None  # why it could not start
        owner = "县自然资源局" if name == "用地预审与选址" else ""
        rows.append([project.code, name, planned, "前期手续", done, owner])
    rows.append([project.code, "主体开工", planned_start, "建设节点", start, ""])
    if start is None:
        return
    halfway = planned_start + (planned_end - planned_start) / 2
    finished = project.actual_end
    topped = met(halfway, by=finished or today) if halfway > start else None
    if halfway <= start:
        topped = start + timedelta(days=rng.randint(60, 120))
        halfway = topped - timedelta(days=rng.randint(0, 10))
        topped = topped if topped <= (finished or end) else None
    rows.append([project.code, "主体封顶", halfway, "建设节点", topped, ""])
    rows.append([project.code, "竣工验收", planned_end, "建设节点", finished, ""])
    for kind, days in (("milestone_yellow", (6, 25)), ("milestone_red", (35, 60))):
        if kind in project.marks:
            planned = end - timedelta(days=rng.randint(*days))
            rows.append([project.code, rng.choice(EXTRA_WORKS), planned, "建设节点", None, ""])


def _funds(rng: random.Random, county: list[DemoProject], rows: list[list[Any]]) -> None:
    kinds, statuses = list(schema.FUND_TYPES), list(schema.FUND_STATUSES)
    applying = [p for p in county if rng.random() < 0.45]
    for index, project in enumerate(applying):
        kind = kinds[index % len(kinds)]
        status = statuses[(index // len(kinds) + index) % len(statuses)]
        if project.story in ("reserve", "prep", "replaced"):
            status = rng.choice(["储备", "已申报", "未获批"])
        elif project.story == "done" and status in ("储备", "已申报"):
            status = "已支出"  # a project built years ago spent what it was given
        latest = status in ("储备", "已申报") or rng.random() < 0.7  # this year's, mostly
        year = project.rows[-1].year if latest else project.rows[0].year
        requested = (project.total * Decimal(str(round(rng.uniform(0.1, 0.4), 2)))).quantize(
            Decimal("1")
        )
        approved = allocated = spent = None
        if status in {"已批复", "已下达", "已支出"}:
            approved = (requested * Decimal("0.8")).quantize(Decimal("1"))
        if status in {"已下达", "已支出"}:
            allocated = approved
        # 已支出's 支出金额 is dated entries, recorded by demo_funds.funds_story
        batch = f"{year}年第{rng.randint(1, 3)}批"
        rows.append(
            [project.code, kind, year, requested, batch, approved, allocated, spent, status]
        )


def _findings(
    rng: random.Random, cal: DemoCalendar, county: list[DemoProject], rows: list[list[Any]]
) -> None:
    """Findings a real office would have on ``cal.today``: the old ones closed (most on time),
    the recent ones in every state, and a few past their deadline by days or weeks."""
    today = cal.today
    first = date(cal.year - 2, 3, 1)
    running = [p for p in county if p.story == "running"]
    for project, (days, status) in zip(
        rng.sample(running, len(OPEN_OVERDUE_FINDINGS)), OPEN_OVERDUE_FINDINGS.items(), strict=True
    ):
        deadline = today - timedelta(days=days)
        found = deadline - timedelta(days=rng.choice([15, 30]))
        category = rng.choice(list(PROBLEMS))
        description = f"{PROBLEMS[category]}（{project.name}）"
        rows.append(
            [project.unit, description, found, deadline, project.code, category, status, None]
        )
    for project in county:
        if project.story == "reserve" or rng.random() > 0.35:
            continue
        latest = min(project.actual_end or today, today) - timedelta(days=2)
        found = first + timedelta(days=rng.randint(0, max((latest - first).days, 0)))
        if project.actual_end is None and rng.random() < 0.3:
            found = today - timedelta(days=rng.randint(3, 80))  # the recent inspections
        deadline = found + timedelta(days=rng.choice([15, 30, 30, 45, 60]))
        category = rng.choice(list(PROBLEMS))
        closed = None
        if deadline < today:
            status = "已销号"
            late = rng.randint(5, 20) if rng.random() < 0.12 else rng.randint(-14, 0)
            closed = deadline + timedelta(days=late)
        elif found >= today - timedelta(days=5):
            status = "未整改"
        else:
            status = rng.choice(["整改中", "整改中", "已整改", "已销号"])
            if status == "已销号":
                closed = found + timedelta(days=rng.randint(3, max((today - found).days, 3)))
        if closed is not None:
            closed = _clamp(closed, found + timedelta(days=3), today)
        description = f"{PROBLEMS[category]}（{project.name}）"
        rows.append(
            [project.unit, description, found, deadline, project.code, category, status, closed]
        )


DEMO_PHONES = {"reporter": "0915-5321001", "office": "0915-5321000"}  # made up, for 催报
DEMO_USERS = [
    # username, role, unit, display name
    ("admin", User.Role.ADMIN, None, "系统管理员"),
    ("office", User.Role.OFFICER, None, "县发改局项目办"),
    ("reporter", User.Role.REPORTER, "县住房和城乡建设局", "住建局填报员"),
    ("supervisor", User.Role.SUPERVISOR, None, "县督查办"),
    ("leader", User.Role.LEADER, None, "县领导"),
    ("security", User.Role.SECURITY, None, "安全管理员"),
    ("auditor", User.Role.AUDITOR, None, "审计管理员"),
]


def _classify_units() -> None:
    """Townships and departments; departments first, then townships, in catalogue order,
    numbered 10, 20, … as an office would, so that one unit moves by typing one number (15
    goes between 10 and 20). With history, as every write here: 数据变更记录 compares each
    later change with it."""
    order = {name: index * 10 for index, name in enumerate([*DEPARTMENTS, *TOWNSHIPS], start=1)}
    units = list(Unit.objects.order_by("pk"))
    for unit in units:
        unit.kind = Unit.Kind.TOWNSHIP if unit.name in TOWNSHIPS else Unit.Kind.DEPARTMENT
        unit.sort_order = order.get(unit.name, unit.sort_order)
    bulk_update_recorded(units, ["kind", "sort_order"], user=None)


@transaction.atomic
def seed_demo(*, password: str = DEMO_PASSWORD, today: date | None = None) -> ImportResult:
    """Load the demo county and its users, dated from ``today``. Expects no projects yet.

    Made up, so none of it is anyone's action in the audit trail (its model history reads as
    the county's people wrote it)."""
    today = today or timezone.localdate()
    cal = DemoCalendar.on(today)
    county, ledger = _build(2026, cal)
    sheets = ((name, rows[0], rows[1:]) for name, rows in ledger.items())
    with unrecorded():
        result = import_ledger(data=render_workbook(sheets), filename="演示台账.xlsx")
        _classify_units()
        _finish_projects(county)
        ensure_demo_users(password=password)
        _revisions(cal)
        _reports_online(cal)
        quality_story(year=cal.year, month=cal.month)
        supervision_story(cal)
        promotion_story(cal, leaders=LEADERS)
        batches_story(cal)
        funds_story(cal)
        for story in settings.DEMO_STORIES:  # the apps below the ledger: 上报模板
            import_string(story)()
    return result


def _finish_projects(county: list[DemoProject]) -> None:
    """What the ledger does not carry: 实际竣工日期 and the project a replaced one points at."""
    ends = {project.code: project.actual_end for project in county}
    changed = []
    for project in Project.objects.prefetch_related("plans").order_by("pk"):
        before = (project.actual_end, project.replaced_by_id)
        project.actual_end = ends.get(project.code)
        replaced = [plan.replaced_by_id for plan in project.plans.all() if plan.replaced_by_id]
        if replaced:
            project.replaced_by_id = replaced[0]
        if (project.actual_end, project.replaced_by_id) != before:
            changed.append(project)
    bulk_update_recorded(changed, ["actual_end", "replaced_by"], user=None)


# 项目调整 (DESIGN.md §3 Overruns): a few projects building in the due year had their 概算 raised
# (the reason and the 发改局's 批复文号) or their completion pushed back, through the service.
REVISIONS = [
    # share raised (or None), months the completion moves back (or 0), reason, 批复文号
    (Decimal("0.18"), 0, "初步设计概算调整：增加管网延伸工程", "县发改投资〔{y}〕12号"),
    (Decimal("0.25"), 6, "地质条件变化，桩基工程量增加，概算调增", "县发改投资〔{y}〕27号"),
    (None, 9, "征迁未按期完成，竣工日期顺延", "县政府专题会议纪要〔{y}〕8号"),
    (Decimal("0.12"), 0, "材料价格上涨，按批复调整总投资", "县发改投资〔{y}〕31号"),
]


def _revisions(cal: DemoCalendar) -> None:
    office = User.objects.get(username="office")
    building = (
        Project.objects.filter(stage=Stage.CONSTRUCTION, plans__year=cal.year)
        .exclude(planned_end__isnull=True)
        .distinct()
        .order_by("code")
    )
    chosen = list(building[3 : 3 + 7 * len(REVISIONS) : 7])
    for index, (project, (share, months, reason, number)) in enumerate(
        zip(chosen, REVISIONS, strict=False)
    ):
        revised_on = cal.end - timedelta(days=40 + 25 * index)
        total = None
        if share is not None:
            total = (project.total_investment * (1 + share)).quantize(Decimal("1"))
        end = None
        if months and project.planned_end is not None:
            moved = project.planned_end.month - 1 + months
            end = period_end(project.planned_end.year + moved // 12, moved % 12 + 1)
        project_revise(
            project=project, user=office, total_investment=total, planned_end=end,
            reason=reason, approval_number=number.format(y=revised_on.year), revised_on=revised_on,
        )  # fmt: skip


def _reports_online(cal: DemoCalendar) -> None:
    """The latest months arrive through the online form, each unit's from its own reporter.

    The period that is due: all sent by its due day, about a quarter not yet reviewed. The month
    being reported, before its due day: some sent, some drafts, the rest not started. Each step
    is recorded in the history under the person who took it (the reporter sends, the office
    approves), so 数据变更记录 tells the story as it happened and a later approval shows only
    what it changed.
    """
    reporters = {user.unit_id: user for user in User.objects.filter(role=User.Role.REPORTER)}
    office = User.objects.get(username="office")
    due = MonthlyReport.objects.filter(plan__year=cal.year, month=cal.month)
    sent = _at(cal.due_on(cal.month) - timedelta(days=1), time(16, 30))
    reviewed = _send(due, reporters, sent, pending_every=4)
    _approve(reviewed, office, sent + timedelta(days=1))
    if cal.in_progress is None:
        return
    current = MonthlyReport.objects.filter(plan__year=cal.year, month=cal.in_progress)
    pks = list(current.order_by("pk").values_list("pk", flat=True))
    drafts = pks[1::5]
    sent_pks = [pk for pk in pks[::3] if pk not in drafts]
    unsent = set(pks) - set(drafts) - set(sent_pks)
    MonthlyReport.objects.filter(pk__in=unsent).delete()
    at = _at(cal.today - timedelta(days=1), time(10)) if cal.today.day > 1 else None
    at = at or _at(cal.today, time(8, 30))
    _send(current.filter(pk__in=sent_pks), reporters, at, pending_every=1)
    typed = list(current.filter(pk__in=drafts).select_related("plan__project"))
    for report in typed:
        report.status = MonthlyReport.Status.DRAFT
        report.source = MonthlyReport.Source.FORM
        report.submitted_at = None
    bulk_update_recorded(
        typed,
        ["status", "source", "submitted_at"],
        user=lambda report: reporters.get(report.plan.project.unit_id),
    )


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _send(
    reports: QuerySet[MonthlyReport],
    reporters: dict[int | None, User],
    at: datetime,
    *,
    pending_every: int,
) -> list[MonthlyReport]:
    """The reports as sent online by their unit's reporter (history under the reporter); the
    ones the office has reviewed since are returned: all but every ``pending_every``-th of
    each unit's, which await review."""
    by_unit: dict[int | None, list[MonthlyReport]] = {}
    for report in reports.select_related("plan__project").order_by("pk"):
        by_unit.setdefault(report.plan.project.unit_id, []).append(report)
    sent, reviewed = [], []
    for unit_id, unit_reports in by_unit.items():
        for index, report in enumerate(unit_reports):
            report.status = MonthlyReport.Status.SUBMITTED
            report.source = MonthlyReport.Source.FORM
            report.submitted_at, report.submitted_by = at, reporters.get(unit_id)
            sent.append(report)
            if index % pending_every:
                reviewed.append(report)
    fields = ["status", "source", "submitted_at", "submitted_by"]
    bulk_update_recorded(sent, fields, user=lambda report: report.submitted_by)
    return reviewed


def _approve(reports: list[MonthlyReport], office: User, at: datetime) -> None:
    for report in reports:
        report.status = MonthlyReport.Status.APPROVED
        report.reviewed_at, report.reviewed_by = at, office
    bulk_update_recorded(reports, ["status", "reviewed_at", "reviewed_by"], user=office)


# One reporter per unit besides `reporter` (住建局), so 催报 and the review page show what a
# county sees. Names and phone numbers are made up; 0915-53 is no real exchange's range.
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ["建华", "丽娟", "海军", "秀英", "志强", "晓燕", "国庆", "春梅", "文斌", "红霞"]


def unit_reporters() -> list[tuple[str, str, str, str]]:
    """(username, unit, name, phone) of every demo unit's reporter, `reporter` first."""
    people = [("reporter", "县住房和城乡建设局", "住建局填报员", DEMO_PHONES["reporter"])]
    units = [name for name in DEPARTMENTS + TOWNSHIPS if name != "县住房和城乡建设局"]
    for number, unit in enumerate(units, start=1):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
        people.append((f"reporter{number:02d}", unit, name, f"0915-53211{number:02d}"))
    return people


def ensure_demo_users(*, password: str) -> None:
    _ensure_unit_reporters(password=password)
    for username, role, unit_name, display in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.first_name = display
        user.phone = DEMO_PHONES.get(username, "")
        user.unit = Unit.objects.get(name=unit_name) if unit_name else None
        user.is_superuser = False  # 三员: no account holds every power, not even the admin
        user.set_password(password)
        user.save()


def _ensure_unit_reporters(*, password: str) -> None:
    """A reporter account for every demo unit that exists (one password hash for them all)."""
    units = {unit.name: unit for unit in Unit.objects.all()}
    probe = User(username="probe")
    probe.set_password(password)
    for username, unit_name, name, phone in unit_reporters()[1:]:
        if unit_name not in units:
            continue
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": User.Role.REPORTER, "unit": units[unit_name]}
        )
        user.role, user.unit = User.Role.REPORTER, units[unit_name]
        user.first_name, user.phone = name, phone
        user.password = user._password_for_history = probe.password
        user.password_changed_at = timezone.now()
        user.save()
