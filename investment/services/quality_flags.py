"""The writes of data quality: a flag's 说明 and 核实, 报送 after the flags were shown, and the
office's per-year rule settings. The rules themselves are ``investment/services/quality.py``'s."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audited
from core.capabilities import require
from core.versioning import check_version, locked, save_changes
from investment.models import MonthlyReport, QualityFlag, QualityRule
from investment.services import quality
from investment.services import reports as services
from investment.services.year_rows import YearRow, year_rows_save
from projects.models import User

Status = QualityFlag.Status
Code = QualityRule.Code
TEXT_LIMIT = 500
THRESHOLD_LIMIT = {Code.YEAR_OVER_PLAN: 1000, Code.MONTH_OUTLIER: 100, Code.PROGRESS_UNCHANGED: 12,
                   Code.PHOTO_REUSED: 64}  # fmt: skip
THRESHOLD_LOW = {Code.YEAR_OVER_PLAN: 0, Code.MONTH_OUTLIER: 1, Code.PROGRESS_UNCHANGED: 1,
                 Code.PHOTO_REUSED: 0}  # fmt: skip
WHOLE = (Code.PROGRESS_UNCHANGED, Code.PHOTO_REUSED)


def _locked_flag(flag: QualityFlag) -> QualityFlag:
    return locked(flag, related=("report__plan__project",))


def _typed(text: str | None) -> str:
    """A 说明 or 核实意见 as typed, without the NULs PostgreSQL cannot store (a 500 there) and
    the carriage returns of a browser's line breaks."""
    return (text or "").replace("\x00", "").replace("\r\n", "\n").strip()


def _refuse_stale(flag: QualityFlag, expected_version: int | None) -> None:
    label = f"“{flag.report.plan.project.name}”{flag.report.month}月的数据质量提示"
    check_version(flag, expected_version, label=label)


@audited("填写数据质量说明")
@transaction.atomic
def flag_explain(
    *, flag: QualityFlag, user: User, text: str, expected_version: int | None = None
) -> QualityFlag:
    """The reporter's 说明 of a flag: kept with the report; the flag becomes ``explained``
    (an ``accepted`` flag stays accepted and is refused: the office has examined it)."""
    try:
        flag = _locked_flag(flag)
    except QualityFlag.DoesNotExist:
        raise ValidationError("该数据质量提示已不存在（报表已修改，提示已不再成立）。") from None
    require(user, "quality.explain", flag)
    _refuse_stale(flag, expected_version)
    services.refuse_locked(flag.report.plan.year, flag.report.month)
    text = _typed(text)
    if not text:
        raise ValidationError(f"请填写说明：{flag.get_rule_display()}。")
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"说明不超过{TEXT_LIMIT}字。")
    if flag.status == Status.ACCEPTED:
        raise ValidationError("项目办已核实该提示，无需再说明。")
    values = {"explanation": text, "status": Status.EXPLAINED}
    stamps = {"explained_by": user, "explained_at": timezone.now()}
    save_changes(flag, values, user=user, stamps=stamps)  # as it was: nothing written
    return flag


@audited("核实数据质量提示")
@transaction.atomic
def flag_accept(
    *, flag: QualityFlag, user: User, note: str, expected_version: int | None = None
) -> QualityFlag:
    """已核实: the office has examined the flag (with its note); the report may be approved."""
    require(user, "quality.accept")
    try:
        flag = _locked_flag(flag)
    except QualityFlag.DoesNotExist:
        raise ValidationError("该数据质量提示已不存在（报表已修改，提示已不再成立）。") from None
    _refuse_stale(flag, expected_version)
    services.refuse_locked(flag.report.plan.year, flag.report.month)
    note = _typed(note)
    if not note:
        raise ValidationError("核实时须填写核实意见（例如：已电话核实，属实）。")
    if len(note) > TEXT_LIMIT:
        raise ValidationError(f"核实意见不超过{TEXT_LIMIT}字。")
    if flag.status == Status.ACCEPTED:
        raise ValidationError("该提示已核实。")
    values = {"note": note, "status": Status.ACCEPTED}
    stamps = {"accepted_by": user, "accepted_at": timezone.now()}
    save_changes(flag, values, user=user, stamps=stamps)
    return flag


@audited("报送确认（填写说明并报送）")
@transaction.atomic
def reports_send(
    *,
    user: User,
    year: int,
    month: int,
    shown: dict[int, int],
    flags_shown: set[int],
    explanations: dict[int, str],
) -> list[MonthlyReport]:
    """报送确认: send the reports the confirmation listed (``shown``: report id → the version
    it showed), writing the 说明 typed for their flags first; all or nothing.

    Refused, sending nothing, when a report changed since the page was shown or its flags are
    no longer those shown (a flag the reporter has not seen is never sent past them).
    """
    require(user, "report.enter")
    services.refuse_locked(year, month)
    services.refuse_before_window(year, month, doing="报送")
    if not shown:
        raise ValidationError("没有可报送的月报，请返回填报页面。")
    reports = list(
        MonthlyReport.objects.select_for_update()
        .select_related("plan__project")
        .filter(pk__in=list(shown), plan__year=year, month=month)
        .order_by("plan__project__code")
    )
    if len(reports) != len(shown) or any(r.version != shown[r.pk] for r in reports):
        raise ValidationError(
            "要报送的月报已有变化，未报送任何月报；请核对下方最新内容后重新确认。"
        )
    flags = {f.pk: f for f in QualityFlag.objects.filter(report__in=reports)}
    if set(flags) != flags_shown:
        raise ValidationError(
            "数据质量提示已有变化，未报送任何月报；请核对下方最新提示后重新确认。"
        )
    for flag_id, text in explanations.items():
        flag = flags.get(flag_id)
        if flag is not None and _typed(text) and _typed(text) != flag.explanation:
            flag_explain(flag=flag, user=user, text=text)
    sent = []
    with quality.later(user=user):
        for report in reports:
            sent.append(services.report_submit(report=report, user=user))
    return sent


# --- the office's settings ------------------------------------------------------------------


@dataclass(frozen=True)
class RuleEntry:
    """One rule as the office enters it (``threshold`` None for the on/off rules);
    ``expected_version`` is the version the form showed (0 for a rule at its defaults)."""

    rule: str
    enabled: bool
    threshold: Decimal | None = None
    expected_version: int | None = None


def _problems(entry: RuleEntry) -> list[str]:
    code = Code(entry.rule)
    if QualityRule.DEFAULTS[code][1] is None:
        return []
    unit = QualityRule.DEFAULTS[code][2]
    value = entry.threshold
    if value is None:
        return [f"请填写“{code.label}”的阈值。"]
    low, high = THRESHOLD_LOW[code], THRESHOLD_LIMIT[code]
    if not low <= value <= high:
        return [f"“{code.label}”的阈值应在{low}–{high}{unit}之间。"]
    if code in WHOLE and value != value.to_integral_value():
        return [f"“{code.label}”的阈值以{unit}计，应为整数。"]
    return []


def parse_threshold(text: str) -> Decimal | None:
    """A typed threshold (blank → None); ValidationError for text that is not a number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"阈值“{text[:20]}”不是数字。") from None
    if not value.is_finite() or abs(value) >= 10_000:
        raise ValidationError(f"阈值“{text[:20]}”超出范围。")
    return value.quantize(Decimal("0.01"))


@audited("修改数据质量规则")
@transaction.atomic
def quality_rules_save(*, year: int, user: User, rules: list[RuleEntry]) -> int:
    """Save ``year``'s data-quality rules as entered; returns how many rows changed. All or
    nothing. A rule entered as it is (or as its default, never saved) writes nothing. When
    anything changed, the year's reports are judged again under the new rules."""
    require(user, "year.configure")
    codes = [entry.rule for entry in rules]
    if any(c not in Code.values for c in codes) or len(set(codes)) != len(codes):
        raise ValidationError("数据质量规则有误，请刷新页面后重新填写。")
    problems = [problem for entry in rules for problem in _problems(entry)]
    if problems:
        raise ValidationError(problems)
    rows = [
        YearRow(
            saved=QualityRule.objects.filter(year=year, rule=entry.rule),
            default=partial(QualityRule.default, year, entry.rule),
            values={
                "enabled": entry.enabled,
                "threshold": None
                if QualityRule.DEFAULTS[entry.rule][1] is None
                else entry.threshold,
            },
            expected_version=entry.expected_version,
            label=f"{year}年“{Code(entry.rule).label}”数据质量规则",
        )
        for entry in rules
    ]
    saved = year_rows_save(rows, user=user, stamps={"updated_by": user})
    changed = sum(1 for _, fields in saved if fields)
    if changed:
        quality.judge(MonthlyReport.objects.filter(plan__year=year), user=user)
        with_photos = MonthlyReport.objects.filter(plan__year=year, photos__isnull=False)
        quality.judge_photos(with_photos.values_list("pk", flat=True).distinct(), user=user)
    return changed


def rules_history(year: int, *, limit: int = 50) -> list[tuple[Any, list[str]]]:
    """The year's rule changes, newest first, each with what it changed; a rule's first save
    is compared with its default. One query."""
    records = list(
        QualityRule.history.filter(year=year).select_related("history_user").order_by("history_id")
    )
    previous: dict[int, Any] = {}
    rows = []
    for record in records:
        before = previous.get(record.id) or QualityRule.default(record.year, record.rule)
        changes = []
        if before.enabled != record.enabled:
            changes.append(
                f"启用：{'启用' if before.enabled else '不启用'} → {'启用' if record.enabled else '不启用'}"
            )
        if before.threshold != record.threshold:
            changes.append(f"阈值：{_shown(before.threshold)} → {_shown(record.threshold)}")
        rows.append((record, changes))
        previous[record.id] = record
    return rows[::-1][:limit]


def _shown(value: Decimal | None) -> str:
    return "—" if value is None else format(Decimal(value).normalize(), "f")
