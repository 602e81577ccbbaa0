"""The demo county: a plausible ledger, loaded through the real import service.

Built as the sheets a project office would keep (ledger/services/demo_ledger.py), then imported with
``import_ledger``: the demo exercises the same path as a real county's first upload. It is dated
from the day it is seeded (``today``): the three years end at the year of the period that is due
(``investment.rules.periods.due_period``), that period's reports are in, the month being reported
(before its due day) is partly in, and milestones, findings and their clocks read as an office
would have them on that day. What the ledger does not carry comes after the import: the units'
kinds and order, the demo users, 项目调整, the latest months sent online, and each app's story.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

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
from ledger.rules.results import ImportResult
from ledger.services.demo_batches import batches_story
from ledger.services.demo_calendar import DemoCalendar
from ledger.services.demo_catalogue import DEPARTMENTS, TOWNSHIPS
from ledger.services.demo_county import DemoProject
from ledger.services.demo_funds import funds_story
from ledger.services.demo_ledger import LEADERS, build_county, build_ledger
from ledger.services.demo_promotion import promotion_story
from ledger.services.demo_quality import quality_story
from ledger.services.demo_supervision import supervision_story
from ledger.services.importer import import_ledger
from projects.models import Project, Stage, Unit, User
from projects.services.revisions import project_revise

__all__ = ["DEPARTMENTS", "LEADERS", "TOWNSHIPS", "DemoCalendar", "build_ledger", "seed_demo"]

DEMO_PASSWORD = "Demo@2026"
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
    county, ledger = build_county(2026, cal)
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
    revised: list[Project] = []
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
        if total is not None:  # 建设内容 says the 总投资: as the office rewrites it on a revision
            project.refresh_from_db()
            project.content = (
                f"{project.name}，总投资{wan_text(total)}（{revised_on.year}年{revised_on.month}月"
                f"概算调整，原{wan_text(project.original_total)}）。"
            )
            revised.append(project)
    bulk_update_recorded(revised, ["content"], user=office)


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
