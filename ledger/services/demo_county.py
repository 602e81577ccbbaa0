"""The demo county's projects: which projects each unit runs (ledger/services/demo_catalogue.py),
their stories (储备 to 投产, one 替换), levels, totals, dates and plan rows, and which of them lag
and how (DESIGN.md §3's lag reasons, issue 17's yellow and red thresholds). Data only:
ledger/services/demo_ledger.py writes them as the ledger's rows."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ledger.services.demo_calendar import DemoCalendar
from ledger.services.demo_catalogue import (
    DEPARTMENT_PROJECTS,
    PROJECTS_PER_TOWNSHIP,
    TOWNSHIP_PROJECTS,
    TOWNSHIPS,
)

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


def clamp(day: date, low: date, high: date) -> date:
    return max(low, min(day, high))


def plan_county(rng: random.Random, cal: DemoCalendar) -> list[DemoProject]:
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
            started = clamp(planned + timedelta(days=rng.randint(-5, 15)), date(focus, 2, 1), end)
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
            project.actual_end = clamp(
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
                start = clamp(start, date(year, 1, 2), end - timedelta(days=3))
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
