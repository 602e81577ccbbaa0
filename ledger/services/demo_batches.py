"""The demo county's 三个一批 (DESIGN.md §3), written through the services the pages use: the
three batches (期次) of the quarters up to the period that is due, each listing projects to sign
(储备 and 前期 projects, most signed by the period end), to start (new projects planned to break
ground in the batch's quarter; the ledger's starts make 开工率) and to put into production
(projects finishing then, most in production a month or two after completion). Every date counts from
the demo's calendar and every choice from the projects' codes, so the county is the same on any
day it is seeded."""

from datetime import date, timedelta

from django.db.models import QuerySet

from batches.models import Batch, Kind
from batches.rules import batch_name
from batches.services import batch_save, entries_add
from core.versioning import bulk_update_recorded
from investment.rules import period_end, quarter_end_month
from ledger.services.demo_calendar import DemoCalendar
from projects.models import Nature, Project, Stage, User

BATCHES = 3  # the quarters up to the one that is due
PER_KIND = {Kind.SIGN: 5, Kind.START: 6, Kind.PRODUCE: 4}
SIGNED_SHARE = (1, 1, 1, 0, 1)  # of a batch's 签约 list, in code order: which have signed
PRODUCTION_LAG = (30, 60, 240)  # days from completion to production, in turn


def _quarters(cal: DemoCalendar) -> list[tuple[int, int]]:
    """(year, quarter) of the last ``BATCHES`` quarters through the period that is due."""
    year, quarter = cal.year, (cal.month + 2) // 3
    found = []
    for _ in range(BATCHES):
        found.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found[::-1]


def batches_story(cal: DemoCalendar) -> None:
    office = User.objects.get(username="office")
    listed = Project.objects.exclude(stage=Stage.REPLACED)
    used: dict[Kind, set[int]] = {kind: set() for kind in Kind}
    signed, produced = [], []
    for year, quarter in _quarters(cal):
        first = date(year, quarter_end_month(quarter) - 2, 1)
        last = period_end(year, quarter_end_month(quarter))
        batch = batch_save(
            user=office, name=batch_name(year, quarter), year=year, quarter=quarter,
            note=f"省发改委下达的{year}年第{'一二三四'[quarter - 1]}批“三个一批”项目清单",
        )  # fmt: skip
        to_sign = _pick(
            listed.filter(stage__in=[Stage.RESERVE, Stage.PREPARATION]), used, Kind.SIGN
        )
        for index, project in enumerate(to_sign):
            day = first + timedelta(days=20 + 25 * index)
            if SIGNED_SHARE[index % len(SIGNED_SHARE)] and day <= cal.end:
                project.signed_on = day
                signed.append(project)
        # planned to break ground in the batch's quarter, the earliest first
        to_start = _pick(
            listed.filter(plans__year=year, plans__nature=Nature.NEW,
                          planned_start__gte=first, planned_start__lte=last),
            used, Kind.START, by="planned_start",
        )  # fmt: skip
        # planned to be completed in the batch's quarter, the earliest first
        to_produce = _pick(
            listed.filter(planned_end__gte=first, planned_end__lte=last),
            used, Kind.PRODUCE, by="planned_end",
        )  # fmt: skip
        for index, project in enumerate(to_produce):
            # in production a month or two after completion, or (every third) not yet
            lag = timedelta(days=PRODUCTION_LAG[index % len(PRODUCTION_LAG)])
            if project.actual_end is not None and project.actual_end + lag <= cal.end:
                project.production_on = project.actual_end + lag
                produced.append(project)
        _list(office, batch, Kind.SIGN, to_sign, last)
        _list(office, batch, Kind.START, to_start, last)
        _list(office, batch, Kind.PRODUCE, to_produce, last)
    bulk_update_recorded(signed, ["signed_on"], user=office)
    bulk_update_recorded(produced, ["production_on"], user=office)


def _pick(
    projects: QuerySet[Project], used: dict[Kind, set[int]], kind: Kind, *, by: str = "code"
) -> list[Project]:
    """The first projects (by ``by``, then code) not yet listed under ``kind``, as many as a
    kind lists."""
    ordered = projects.distinct().order_by(by, "code")
    found = [p for p in ordered if p.pk not in used[kind]][: PER_KIND[kind]]
    used[kind].update(p.pk for p in found)
    return found


def _list(office: User, batch: Batch, kind: Kind, projects: list[Project], target: date) -> None:
    if projects:
        entries_add(user=office, batch=batch, kind=kind, projects=projects, target_date=target)
