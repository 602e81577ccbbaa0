"""The demo county's ledger: the rows of every sheet (项目台账, reports with the county's season,
milestones, funds, findings) for the projects ledger/services/demo_county.py plans, as data only;
``seed_demo`` (ledger/services/demo.py) imports it and tells the rest of the story. Dated from the
day it is seeded (``DemoCalendar``); the same day and seed give the same county on every machine.

What a clerk sees (ledger/services/demo_catalogue.py holds the units and who runs what): each project
run by the unit whose remit it is, stages from 储备 to 投产 (and one 替换), most findings closed
and a few overdue by days or weeks, and most projects on schedule with a handful lagging at
either warning level (DESIGN.md §3's lag reasons, issue 17's yellow and red thresholds).
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.formatting import wan_text
from ledger.rules import schema
from ledger.services.demo_calendar import DemoCalendar
from ledger.services.demo_county import DemoProject, Row, clamp, plan_county

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
OPEN_OVERDUE_FINDINGS = {8: "整改中", 19: "已整改", 37: "整改中"}


def build_ledger(seed: int = 2026, *, today: date | None = None) -> dict[str, list[list[Any]]]:
    """The demo county's ledger as sheets of rows (headers first), dated from ``today``."""
    return build_county(seed, DemoCalendar.on(today or timezone.localdate()))[1]


def build_county(
    seed: int, cal: DemoCalendar
) -> tuple[list[DemoProject], dict[str, list[list[Any]]]]:
    rng = random.Random(seed)
    county = plan_county(rng, cal)
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
            closed = clamp(closed, found + timedelta(days=3), today)
        description = f"{PROBLEMS[category]}（{project.name}）"
        rows.append(
            [project.unit, description, found, deadline, project.code, category, status, closed]
        )
