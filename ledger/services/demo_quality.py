"""The demo county's data-quality story (DESIGN.md §3 data-quality rules), written through the
services as the people would: so 数据质量, the review page and the leaders' line are not empty.

In the period that is due, two reports still awaiting review (县住建局's first, the demo
reporter's unit):

- one the office returned and the reporter re-sent at ten times the project's usual month,
  with a 说明 (本月完成异常偏高, explained, waiting for the office's 已核实);
- one re-sent taking the project past its 总投资 (累计完成超总投资, open: its 概算 was raised
  in the field but the 总投资 never revised), waiting for a 说明 or a return.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum

from core.versioning import bulk_update_recorded
from investment.models import MonthlyReport, QualityFlag
from investment.services import reports as services
from investment.services.quality_flags import flag_explain
from projects.models import User


def quality_story(*, year: int, month: int) -> None:
    office = User.objects.filter(username="office").first()
    if office is not None:
        _examined_before_approval(office)
    reporters = {u.unit_id: u for u in User.objects.filter(role=User.Role.REPORTER).order_by("pk")}
    home = User.objects.filter(username="reporter").values_list("unit", flat=True).first()
    pending = sorted(
        MonthlyReport.objects.filter(
            plan__year=year,
            month=month,
            status=MonthlyReport.Status.SUBMITTED,
            plan__project__unit__in=list(reporters),
            amount__gt=0,
        ).select_related("plan__project"),
        key=lambda r: (r.plan.project.unit_id != home, r.plan.project.code),
    )
    if office is None or len(pending) < 2:
        return
    try:
        with transaction.atomic():
            _story(office, reporters, pending[0], pending[1], year=year, month=month)
    except ValidationError:
        pass  # a demo dated ahead of today: its month cannot be sent through the services yet


def _examined_before_approval(office: User) -> None:
    """The demo's reports approved in bulk were approved as the office does it: only after
    examining their flags (全部通过 leaves any other). Their flags read 已核实 at the review."""
    flags = list(
        QualityFlag.objects.filter(
            report__status=MonthlyReport.Status.APPROVED, status__in=QualityFlag.UNEXAMINED
        ).select_related("report")
    )
    for flag in flags:
        flag.status = QualityFlag.Status.ACCEPTED
        flag.note = "已电话核实，与项目单位台账一致"
        flag.accepted_by, flag.accepted_at = office, flag.report.reviewed_at
    bulk_update_recorded(flags, ["status", "note", "accepted_by", "accepted_at"], user=office)


def _story(
    office: User,
    reporters: dict[int | None, User],
    typo: MonthlyReport,
    over: MonthlyReport,
    *,
    year: int,
    month: int,
) -> None:
    reporter = reporters[typo.plan.project.unit_id]
    _resend(typo, office, reporter, amount=typo.amount * 10, reason="请补充本月形象进度照片")
    for flag in QualityFlag.objects.filter(report=typo):  # 本月完成异常偏高 (and the year's plan)
        flag_explain(
            flag=flag,
            user=reporter,
            text="本月支付主体设备采购款，合同及发票已上传，金额属实",
        )
    before = MonthlyReport.objects.filter(
        Q(plan__year__lt=year) | Q(plan__year=year, month__lt=month),
        plan__project=over.plan.project,
        status__in=MonthlyReport.COUNTED_STATUSES,
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    past_total = over.plan.project.total_investment * Decimal("1.03") - before
    _resend(
        over,
        office,
        reporters[over.plan.project.unit_id],
        amount=max(past_total, over.amount).quantize(Decimal("0.01")),
        reason="本月完成投资与统计联网直报数不一致，请核对",
    )


def _resend(
    report: MonthlyReport, office: User, reporter: User, *, amount: Decimal, reason: str
) -> MonthlyReport:
    report = services.report_return(report=report, user=office, reason=reason)
    report = services.report_save(
        plan=report.plan,
        month=report.month,
        user=reporter,
        amount=amount,
        progress=report.progress,
        problems=report.problems,
        problem_category=report.problem_category,
        expected_version=report.version,
    )
    return services.report_submit(report=report, user=reporter)
