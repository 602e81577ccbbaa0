"""The monthly reporting workflow: every write to a report or a period goes through here.

draft ──submit──▶ submitted ──approve──▶ approved
  ▲                  │
  └──(correct)── returned ◀──return──┘

Each function is atomic, checks who may do it, whether the month is locked and whether its
报送 window is open (sending, approving and locking wait for the 报送开始日; drafts and returns
do not), and records who did it and when. Views, commands and tests all call these.
"""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audited
from core import journal
from core.amounts import check_amount
from core.capabilities import require
from core.versioning import (
    locked,
    locked_or_default,
    save_changes,
    save_recorded,
)
from investment.models import BriefingNote, MonthlyReport, QualityFlag, ReportingPeriod
from investment.rules.periods import Period
from investment.selectors.portfolio import (
    UnitReporting,
    describe_units,
    units_not_reported,
)
from investment.services import quality
from projects.models import AnnualPlan, FactorCategory, Unit, User

Status = MonthlyReport.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
TEXT_LIMIT = 2000
NOTE_LIMIT = 5000
REASON_LIMIT = 500


def is_locked(*, year: int, month: int) -> bool:
    return ReportingPeriod.objects.filter(year=year, month=month, locked_at__isnull=False).exists()


def refuse_before_window(year: int, month: int, *, doing: str) -> None:
    """A month's reports are sent, approved and locked from its 报送开始日 (DESIGN.md §3)."""
    refusal = Period.of(year, month).window_refusal(doing=doing)
    if refusal:
        raise ValidationError(refusal, code="window")


def refuse_locked(year: int, month: int) -> None:
    if is_locked(year=year, month=month):
        raise ValidationError(
            f"{year}年{month}月已锁定，该月报表不能再修改；如需更正请联系项目办在“报表审核”页解锁。"
        )


@audited("月度填报（保存或报送）")
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
    require(user, "report.enter", plan)
    if not 1 <= month <= 12:
        raise ValidationError("月份应为1–12。")
    refuse_locked(plan.year, month)
    check_amount(amount, label="本月完成投资")
    if len(progress) > TEXT_LIMIT or len(problems) > TEXT_LIMIT:
        raise ValidationError(f"形象进度和存在问题各不超过{TEXT_LIMIT}字。")
    if problem_category and problem_category not in FactorCategory.values:
        raise ValidationError("问题类别不在可选范围内。")
    report = locked_or_default(
        MonthlyReport.objects.filter(plan=plan, month=month),
        expected_version,
        label=f"“{plan.project.name}”{month}月报表",
        default=lambda: MonthlyReport(plan=plan, month=month),
    )
    if report.pk and report.status not in EDITABLE:
        raise ValidationError(
            f"该报表{report.get_status_display()}，不能修改；如需更正请先由项目办退回。"
        )
    values = {
        "amount": amount,
        "progress": progress,
        "problems": problems,
        "problem_category": problem_category,
        "source": MonthlyReport.Source.FORM,
    }
    if report.pk:
        if save_changes(report, values, user=user):  # saved as shown: nothing written
            quality.rejudge(report, user=user)
        return report
    for name, value in values.items():  # a first report is written even at its defaults (0)
        setattr(report, name, value)
    # two first reports of the same row at once: one wins, the other is told
    clash = (
        f"“{plan.project.name}”{month}月报表刚刚已由他人填报，您的内容未保存；"
        "请刷新页面核对后重新填写。"
    )
    save_recorded(report, user=user, clash=clash, clash_code="stale")
    quality.rejudge(report, user=user)
    return report


def _locked_for_update(report: MonthlyReport) -> MonthlyReport:
    return locked(report, related=("plan__project",))


@audited("月度填报（保存或报送）")
@transaction.atomic
def report_submit(*, report: MonthlyReport, user: User) -> MonthlyReport:
    require(user, "report.enter")
    report = _locked_for_update(report)
    require(user, "report.enter", report.plan)
    refuse_locked(report.plan.year, report.month)
    if report.status not in EDITABLE:
        raise ValidationError(f"该报表{report.get_status_display()}，不能重复报送。")
    refuse_before_window(report.plan.year, report.month, doing="报送")
    sent = {"submitted_at": timezone.now(), "submitted_by": user}
    save_changes(report, {"status": Status.SUBMITTED}, user=user, stamps=sent)
    quality.rejudge(report, user=user)  # it counts now: the project's later months move
    return report


@audited("退回月报")
@transaction.atomic
def report_return(*, report: MonthlyReport, user: User, reason: str) -> MonthlyReport:
    require(user, "report.review")
    reason = reason.strip()
    if not reason:
        raise ValidationError("退回时须填写退回原因，便于填报单位修改。")
    report = _review(report, user)
    values = {"status": Status.RETURNED, "return_reason": reason[:TEXT_LIMIT]}
    save_changes(report, values, user=user, stamps=_reviewed(user))
    quality.rejudge(report, user=user)  # it no longer counts: the later months move
    return report


@audited("审核通过月报")
@transaction.atomic
def report_approve(*, report: MonthlyReport, user: User) -> MonthlyReport:
    require(user, "report.review")
    report = _review(report, user)
    refuse_before_window(report.plan.year, report.month, doing="审核通过")
    if unexamined := unexamined_flags(report):
        raise ValidationError(
            f"该报表有{len(unexamined)}条数据质量提示尚未核实（{'；'.join(unexamined)}），"
            "请先逐条核实，或退回填报单位修改。"
        )
    values = {"status": Status.APPROVED, "return_reason": ""}
    save_changes(report, values, user=user, stamps=_reviewed(user))
    return report


def unexamined_flags(report: MonthlyReport) -> list[str]:
    """The rules of ``report``'s flags the office has not examined yet (open or explained)."""
    flags = QualityFlag.objects.filter(report=report, status__in=QualityFlag.UNEXAMINED)
    return [flag.get_rule_display() for flag in flags.order_by("rule")]


@dataclass(frozen=True)
class BatchApproval:
    """What 通过所选 / 全部通过 did: how many it approved, and the projects it left because
    their reports have data-quality flags the office has not examined (已核实) yet."""

    approved: int
    left: list[str]

    def text(self) -> str:
        said = f"已审核通过{self.approved}份报表。"
        if self.left:
            said += (
                f"另有{len(self.left)}份报表有尚未核实的数据质量提示，未通过：{'、'.join(self.left)}；"
                "请逐条核实后通过，或退回修改。"
            )
        return said


@audited("批量审核通过月报")
@transaction.atomic
def reports_approve(*, year: int, month: int, report_ids: list[int], user: User) -> BatchApproval:
    """Approve several of a month's submitted reports at once, except those with a flag not
    yet examined by the office (``QualityFlag.UNEXAMINED``): they are left, and named.

    The office picks them on the review page; if any has meanwhile been returned, approved or
    removed, nothing is approved and the message names it.
    """
    require(user, "report.review")
    refuse_locked(year, month)
    refuse_before_window(year, month, doing="审核通过")
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
    flagged = set(
        QualityFlag.objects.filter(
            report__in=reports, status__in=QualityFlag.UNEXAMINED
        ).values_list("report", flat=True)
    )
    reviewed = _reviewed(user)
    left = []
    for report in reports:
        if report.pk in flagged:
            left.append(report.plan.project.name)
            continue
        values = {"status": Status.APPROVED, "return_reason": ""}
        save_changes(report, values, user=user, stamps=reviewed)
    return BatchApproval(approved=len(reports) - len(left), left=sorted(left))


def _review(report: MonthlyReport, user: User) -> MonthlyReport:
    report = _locked_for_update(report)
    refuse_locked(report.plan.year, report.month)
    if report.status != Status.SUBMITTED:
        raise ValidationError(f"只能审核已报送的报表，该报表{report.get_status_display()}。")
    return report


def _reviewed(user: User) -> dict[str, object]:
    """The stamps of a review (who, when), written with the status it sets."""
    return {"reviewed_at": timezone.now(), "reviewed_by": user}


class LockNotConfirmed(ValidationError):
    """锁定 asked for while units have not reported, without confirming exactly those units."""

    def __init__(self, message: str, missing: list[UnitReporting]):
        super().__init__(message, code="confirm")
        self.missing = missing


@audited("锁定或解锁月份")
@transaction.atomic
def period_lock(
    *, year: int, month: int, user: User, confirmed_units: Collection[int] = ()
) -> ReportingPeriod:
    """Lock a month: none of its reports can change afterwards, by any path (these services
    through `refuse_locked`, the ledger import through ``reports_sheet.import_reports``, the admin through
    ``MonthlyReportAdmin.has_change_permission``).

    While units have not reported, the office must confirm exactly those units (the page's
    confirmation names them); a unit missing since the confirmation was shown is refused
    with the list again, so nobody locks out a unit they were not told about.
    """
    require(user, "period.lock")
    period, _ = ReportingPeriod.objects.select_for_update().get_or_create(year=year, month=month)
    if period.is_locked:
        raise ValidationError(
            f"{year}年{month}月已于{timezone.localtime(period.locked_at):%Y-%m-%d %H:%M}锁定。"
        )
    refuse_before_window(year, month, doing="锁定")
    missing = units_not_reported(year=year, month=month)
    unconfirmed = [unit for unit in missing if unit.unit_id not in set(confirmed_units)]
    if unconfirmed:
        raise LockNotConfirmed(
            f"{year}年{month}月还有{len(missing)}个单位未报齐：{describe_units(missing)}。"
            "锁定后这些单位不能再补报，请确认后再锁定。",
            missing,
        )
    save_changes(period, {"locked_at": timezone.now(), "locked_by": user}, user=user)
    said = f"（{len(missing)}个单位未报齐，已确认）" if missing else "（各单位均已报齐）"
    journal.note(f"{year}年{month}月锁定{said}")
    return period


@audited("解锁月份")
@transaction.atomic
def period_unlock(*, year: int, month: int, user: User, reason: str) -> ReportingPeriod:
    """Unlock a month so it can be corrected; the reason is kept and shown to the units."""
    require(user, "period.lock")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("解锁时须填写解锁原因，填报单位会在“我的待办”中看到。")
    if len(reason) > REASON_LIMIT:
        raise ValidationError(f"解锁原因不超过{REASON_LIMIT}字。")
    period = ReportingPeriod.objects.select_for_update().filter(year=year, month=month).first()
    if period is None or not period.is_locked:
        raise ValidationError(f"{year}年{month}月未锁定，无需解锁。")
    values = {"locked_at": None, "unlocked_at": timezone.now(), "unlocked_by": user,
              "unlock_reason": reason}  # fmt: skip
    save_changes(period, values, user=user, reason=f"解锁：{reason}"[:100])
    journal.note(f"{year}年{month}月解锁，原因：{reason}")
    return period


@audited("退回单位整月月报")
@transaction.atomic
def reports_return_unit(
    *, year: int, month: int, unit: Unit, report_ids: Collection[int], user: User, reason: str
) -> int:
    """Return a unit's submitted reports of a month with one reason: all of them or none.

    ``report_ids`` are the reports the office saw; if any has meanwhile been approved,
    returned or removed, or the unit has sent another since, nothing is returned and the
    message names them.
    """
    require(user, "report.review")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("退回时须填写退回原因，便于填报单位修改。")
    refuse_locked(year, month)
    wanted = set(report_ids)
    reports = list(
        MonthlyReport.objects.select_for_update()
        .select_related("plan__project")
        .filter(plan__year=year, month=month, plan__project__unit=unit)
        .filter(Q(pk__in=wanted) | Q(status=Status.SUBMITTED))
        .order_by("plan__project__code")
    )
    changed = [
        r.plan.project.name for r in reports if (r.pk in wanted) != (r.status == Status.SUBMITTED)
    ]
    gone = len(wanted) - sum(1 for r in reports if r.pk in wanted)
    if changed or gone:
        names = "、".join(changed) + (f"{'、' if changed else ''}{gone}份已不存在" if gone else "")
        raise ValidationError(
            f"{unit}{month}月的报表已有变化：{names}。未退回任何报表，请刷新页面后重试。"
        )
    if not reports:
        raise ValidationError(f"{unit}{month}月没有已报送待审核的报表，无需退回。")
    reviewed = _reviewed(user)
    for report in reports:
        values = {"status": Status.RETURNED, "return_reason": reason[:TEXT_LIMIT]}
        save_changes(report, values, user=user, stamps=reviewed)
        quality.rejudge(report, user=user)
    return len(reports)


@audited("填写下步工作打算")
@transaction.atomic
def briefing_note_save(
    *,
    user: User,
    year: int,
    period: str,
    month: int,
    next_steps: str,
    expected_version: int | None = None,
) -> BriefingNote:
    """下步工作打算 for one briefing period, written by the project office.

    ``expected_version`` is the version the form showed (0 when there was no note yet): a form
    older than the note is refused with what changed, so two officers never overwrite each
    other's text."""
    require(user, "briefing.write_note")
    next_steps = (next_steps or "").strip()
    if len(next_steps) > NOTE_LIMIT:
        raise ValidationError(f"下步工作打算不超过{NOTE_LIMIT}字。")
    label = "本期下步工作打算"
    note = locked_or_default(
        BriefingNote.objects.filter(year=year, period=period, month=month),
        expected_version,
        label=label,
        default=lambda: BriefingNote(year=year, period=period, month=month),
    )
    save_changes(  # saved as shown (or left blank with none saved): nothing written
        note,
        {"next_steps": next_steps},
        user=user,
        stamps={"updated_by": user},
        clash=f"{label}刚被他人保存，您提交的内容未保存；请刷新页面核对后重新填写。",
        clash_code="stale",
    )
    return note
