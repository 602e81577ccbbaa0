"""The monthly reporting workflow: every write to a report or a period goes through here.

draft ──submit──▶ submitted ──approve──▶ approved
  ▲                  │
  └──(correct)── returned ◀──return──┘

Each function is atomic, checks who may do it and whether the month is locked, and records
who did it and when. Views, commands and tests all call these.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from investment.models import BriefingNote, MonthlyReport, ReportingPeriod
from projects.amounts import check_amount
from projects.models import AnnualPlan, FactorCategory, User
from projects.versioning import check_version

Status = MonthlyReport.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
TEXT_LIMIT = 2000
NOTE_LIMIT = 5000


def is_locked(*, year: int, month: int) -> bool:
    return ReportingPeriod.objects.filter(year=year, month=month, locked_at__isnull=False).exists()


def refuse_locked(year: int, month: int) -> None:
    if is_locked(year=year, month=month):
        raise ValidationError(
            f"{year}年{month}月已锁定，该月报表不能再修改；如需更正请联系项目办解锁。"
        )


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise PermissionDenied("您的角色不能进行此操作。")


def require_own_unit(user: User, plan: AnnualPlan) -> None:
    if user.role == User.Role.REPORTER and plan.project.unit_id != user.unit_id:
        raise PermissionDenied("只能填报本单位的项目。")


def _check_amount(amount: Decimal) -> None:
    check_amount(amount, label="本月完成投资")


@transaction.atomic
def report_save(
    *,
    plan: AnnualPlan,
    month: int,
    user: User,
    amount: Decimal,
    progress: str = "",
    problems: str = "",
    problem_category: str = "",
    expected_version: int | None = None,
) -> MonthlyReport:
    """Create or correct a report as a draft (a returned report stays returned until resubmitted).

    ``expected_version`` is the version the user's form showed (0: no report yet); a report
    changed since is refused with what changed (optimistic locking), never overwritten.
    """
    require_role(user, User.Role.REPORTER, User.Role.OFFICER)
    require_own_unit(user, plan)
    if not 1 <= month <= 12:
        raise ValidationError("月份应为1–12。")
    refuse_locked(plan.year, month)
    _check_amount(amount)
    if len(progress) > TEXT_LIMIT or len(problems) > TEXT_LIMIT:
        raise ValidationError(f"形象进度和存在问题各不超过{TEXT_LIMIT}字。")
    if problem_category and problem_category not in FactorCategory.values:
        raise ValidationError("问题类别不在可选范围内。")
    report = MonthlyReport.objects.select_for_update().filter(
        plan=plan, month=month
    ).first() or MonthlyReport(plan=plan, month=month)
    if report.pk:
        label = f"“{plan.project.name}”{month}月报表"
        check_version(report, expected_version if expected_version != 0 else -1, label=label)
    if report.pk and report.status not in EDITABLE:
        raise ValidationError(
            f"该报表{report.get_status_display()}，不能修改；如需更正请先由项目办退回。"
        )
    report.amount = amount
    report.progress = progress
    report.problems = problems
    report.problem_category = problem_category
    report.source = MonthlyReport.Source.FORM
    if report.pk:
        report.save()
        return report
    try:
        with transaction.atomic():  # two first reports of the same row at once: one wins
            report.save()
    except IntegrityError:
        raise ValidationError(
            f"“{plan.project.name}”{month}月报表刚刚已由他人填报，您的内容未保存；"
            "请刷新页面核对后重新填写。",
            code="stale",
        ) from None
    return report


def _locked_for_update(report: MonthlyReport) -> MonthlyReport:
    return (
        MonthlyReport.objects.select_for_update().select_related("plan__project").get(pk=report.pk)
    )


@transaction.atomic
def report_submit(*, report: MonthlyReport, user: User) -> MonthlyReport:
    require_role(user, User.Role.REPORTER, User.Role.OFFICER)
    report = _locked_for_update(report)
    require_own_unit(user, report.plan)
    refuse_locked(report.plan.year, report.month)
    if report.status not in EDITABLE:
        raise ValidationError(f"该报表{report.get_status_display()}，不能重复报送。")
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.save()
    return report


@transaction.atomic
def report_return(*, report: MonthlyReport, user: User, reason: str) -> MonthlyReport:
    require_role(user, User.Role.OFFICER)
    reason = reason.strip()
    if not reason:
        raise ValidationError("退回时须填写退回原因，便于填报单位修改。")
    report = _review(report, user)
    report.status = Status.RETURNED
    report.return_reason = reason[:TEXT_LIMIT]
    report.save()
    return report


@transaction.atomic
def report_approve(*, report: MonthlyReport, user: User) -> MonthlyReport:
    require_role(user, User.Role.OFFICER)
    report = _review(report, user)
    report.status = Status.APPROVED
    report.return_reason = ""
    report.save()
    return report


@transaction.atomic
def reports_approve(*, year: int, month: int, report_ids: list[int], user: User) -> int:
    """Approve several of a month's submitted reports at once: all of them or none.

    The office picks them on the review page; if any has meanwhile been returned, approved or
    removed, nothing is approved and the message names it.
    """
    require_role(user, User.Role.OFFICER)
    refuse_locked(year, month)
    wanted = set(report_ids)
    if not wanted:
        raise ValidationError("请先勾选要审核通过的报表。")
    reports = list(
        MonthlyReport.objects.select_for_update()
        .select_related("plan__project")
        .filter(pk__in=wanted, plan__year=year, month=month)
        .order_by("pk")
    )
    if len(reports) != len(wanted):
        raise ValidationError("所选报表中有的已不存在或不属于本月，未审核任何报表，请刷新页面。")
    changed = [r.plan.project.name for r in reports if r.status != Status.SUBMITTED]
    if changed:
        raise ValidationError(
            f"以下报表的状态已有变化：{'、'.join(changed)}。未审核任何报表，请刷新页面后重新勾选。"
        )
    now = timezone.now()
    for report in reports:
        report.status = Status.APPROVED
        report.reviewed_at, report.reviewed_by = now, user
        report.return_reason = ""
        report.save()
    return len(reports)


def _review(report: MonthlyReport, user: User) -> MonthlyReport:
    report = _locked_for_update(report)
    refuse_locked(report.plan.year, report.month)
    if report.status != Status.SUBMITTED:
        raise ValidationError(f"只能审核已报送的报表，该报表{report.get_status_display()}。")
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    return report


@transaction.atomic
def period_lock(*, year: int, month: int, user: User) -> ReportingPeriod:
    """Lock a month: none of its reports can change afterwards, by any path."""
    require_role(user, User.Role.OFFICER)
    period, _ = ReportingPeriod.objects.select_for_update().get_or_create(year=year, month=month)
    if period.is_locked:
        raise ValidationError(
            f"{year}年{month}月已于{timezone.localtime(period.locked_at):%Y-%m-%d %H:%M}锁定。"
        )
    period.locked_at = timezone.now()
    period.locked_by = user
    period.save()
    return period


@transaction.atomic
def period_unlock(*, year: int, month: int, user: User) -> ReportingPeriod:
    require_role(user, User.Role.OFFICER)
    period = ReportingPeriod.objects.select_for_update().filter(year=year, month=month).first()
    if period is None or not period.is_locked:
        raise ValidationError(f"{year}年{month}月未锁定。")
    period.locked_at = None
    period.locked_by = user
    period.save()
    return period


@transaction.atomic
def briefing_note_save(
    *, user: User, year: int, period: str, month: int, next_steps: str
) -> BriefingNote:
    """下步工作打算 for one briefing period, written by the project office."""
    require_role(user, User.Role.OFFICER)
    next_steps = (next_steps or "").strip()
    if len(next_steps) > NOTE_LIMIT:
        raise ValidationError(f"下步工作打算不超过{NOTE_LIMIT}字。")
    note, _ = BriefingNote.objects.select_for_update().get_or_create(
        year=year, period=period, month=month
    )
    note.next_steps = next_steps
    note.updated_by = user
    note.save()
    return note
