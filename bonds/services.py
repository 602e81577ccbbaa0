"""Every write to a fund application goes through here: atomic, checked, recorded.

The project office (项目办) records applications and each step of their lifecycle
(申报 → 批复 → 下达 → 支出); the amount and date rules are `bonds/rules.py`'s, the same the
ledger import applies.

支出 is kept as dated entries (`bonds.models.FundSpending`): an application's 支出金额 is their sum
and its 支出截至日期 the latest entry's day, written only by `spending_sync`. A save that raises
支出金额 as a total (this form's 支出金额, the ledger's column) records the difference as one
adjusting entry (按合计调整) dated the 支出截至日期 given, else the day of the save; a total below
the entries' sum is refused (an entry is removed on the application's page instead). Fund clock
rules (资金支出预警规则) are saved by `clock_rules_save`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone

from audit.services import audited
from bonds.models import (
    FundApplication,
    FundAttachment,
    FundClockRule,
    FundSpending,
    FundStatus,
    FundType,
)
from bonds.rules import (
    DAYS_MAX,
    LIFECYCLE,
    allocation_after_spending,
    amount_problems,
    date_problems,
    resulting_status,
    spending_closed,
    spending_day_problem,
    status_choice,
    status_problem,
)
from core import journal
from core.amounts import check_amount
from core.capabilities import require
from core.formatting import share_value, wan_text
from core.models import money
from core.uploads import Attachment
from core.versioning import (
    delete_recorded,
    locked_current,
    locked_or_default,
    save_changes,
    save_recorded,
)
from projects.models import Project, User

AMOUNTS = [field for field, _ in LIFECYCLE]
CORRECT_ENTRIES = "如需更正，请先在资金申报页删除有误的支出明细。"
DUPLICATE = "该项目同一年度、同一资金类型和批次的申报已存在，请修改批次或编辑原申报。"


def _validate(values: dict[str, Any]) -> None:
    labels = dict(LIFECYCLE)
    if values.get("requested") is None:
        raise ValidationError("请填写申报金额（万元）。")
    for field in AMOUNTS:
        check_amount(values.get(field), label=labels[field])
    if values["fund_type"] not in FundType.values:
        raise ValidationError("资金类型不在可选范围内。")
    if values["status"] not in FundStatus.values:
        raise ValidationError("状态不在可选范围内。")
    problems = [reason for _, reason in amount_problems(values) + date_problems(values)]
    if (problem := status_problem(values["status"], values)) is not None:
        problems.append(problem)
    if problems:
        raise ValidationError([f"{problem}。" for problem in problems])


@audited(lambda **given: "编辑资金申报" if given.get("application") else "登记资金申报")
@transaction.atomic
def fund_save(
    *,
    user: User,
    project: Project,
    fund_type: str,
    year: int,
    requested: Decimal,
    batch: str = "",
    approved: Decimal | None = None,
    allocated: Decimal | None = None,
    spent: Decimal | None = None,
    status: str = "",
    applied_on: date | None = None,
    approved_on: date | None = None,
    allocated_on: date | None = None,
    spent_on: date | None = None,
    note: str = "",
    application: FundApplication | None = None,
    expected_version: int | None = None,
) -> FundApplication:
    """Create an application, or update one (its key fields included) with every check.

    ``status`` is the one the person chose; blank (按已填金额自动判断) follows the amounts
    (`bonds.rules.resulting_status`, as the import does).

    ``expected_version`` is the version the edit form showed: an older form is refused with
    what changed since, so a second tab never silently overwrites the first one's save."""
    require(user, "fund.keep")
    values = {
        "project": project,
        "fund_type": fund_type,
        "year": year,
        "batch": (batch or "").strip()[:50],
        "requested": requested,
        "approved": approved,
        "allocated": allocated,
        "spent": spent,
        "applied_on": applied_on,
        "approved_on": approved_on,
        "allocated_on": allocated_on,
        "spent_on": spent_on,
        "note": (note or "").strip()[:2000],
    }
    values["status"] = resulting_status(status, values)
    _validate(values)
    today = timezone.localdate()
    if application is None:
        day = spent_on or today
        if spent:  # the first entry: the whole total, dated 支出截至日期 (or today)
            _check_entry_day(day, allocated_on, today)
            values["spent_on"] = day
        application = save_recorded(
            FundApplication(**values, updated_by=user), user=user, clash=DUPLICATE
        )
        if spent:
            _adjust(application, spent, day, user=user, note="登记申报时填写的支出金额")
        return application
    application = locked_current(application, expected_version, label="该资金申报")
    first = application.spendings.aggregate(first=Min("spent_on"))["first"]
    # spending_record refuses an entry dated before 下达; moving 下达 past one is refused too
    if (problem := allocation_after_spending(allocated_on, first)) is not None:
        raise ValidationError(f"{problem}；{CORRECT_ENTRIES}")
    if spent != application.spent:
        adjustment = _total_adjustment(application, spent)
        if adjustment:
            day = spent_on or today
            _check_entry_day(day, allocated_on, today)
            _adjust(application, adjustment, day, user=user, note="编辑申报时调整支出金额")
            values["spent_on"] = max(day, application.spent_on or day)
    save_changes(application, values, user=user, stamps={"updated_by": user}, clash=DUPLICATE)
    return application


def _check_entry_day(day: date, allocated_on: date | None, today: date) -> None:
    """The 支出 entry the form's 支出金额 becomes obeys what 登记支出 obeys."""
    problem = spending_day_problem(
        day, allocated_on=allocated_on, today=today, label="支出截至日期"
    )
    if problem is not None:
        raise ValidationError(f"{problem}。")


def entries_total(application: FundApplication) -> tuple[Decimal | None, date | None]:
    """(Σ of the application's 支出 entries, the latest entry's day); (None, None) for none."""
    totals = application.spendings.aggregate(total=Sum("amount"), latest=Max("spent_on"))
    total = totals["total"]
    return (None if total is None else money(total)), totals["latest"]


def _total_adjustment(application: FundApplication, spent: Decimal | None) -> Decimal:
    """What an entry must add for the entries to sum to the total ``spent`` (0: nothing);
    refused when ``spent`` is below what the entries already hold."""
    total, _ = entries_total(application)
    held = total or Decimal(0)
    if (spent or Decimal(0)) < held:
        raise ValidationError(
            f"支出金额（{wan_text(spent or Decimal(0))}）不能小于已登记的支出明细合计"
            f"（{wan_text(held)}）；如需更正，请在资金申报页删除有误的支出明细。"
        )
    return (spent or Decimal(0)) - held


def _adjust(
    application: FundApplication, amount: Decimal, day: date, *, user: User | None, note: str
) -> FundSpending:
    return save_recorded(
        FundSpending(
            application=application,
            spent_on=day,
            amount=amount,
            kind=FundSpending.Kind.ADJUSTMENT,
            note=note,
            recorded_by=user,
        ),
        user=user,
    )


def spending_sync(application: FundApplication, *, user: User | None) -> list[str]:
    """The one rule behind 支出金额: the sum of the entries (blank with none), 支出截至日期 the
    latest entry's day, and 状态 following them when it followed the amounts. ``application``
    is locked by the caller. The fields it changed."""
    total, latest = entries_total(application)
    stored = {field: getattr(application, field) for field in AMOUNTS}
    amounts = stored | {"spent": total}
    status = resulting_status(status_choice(application.status, stored), amounts)
    values = {"spent": total, "spent_on": latest, "status": status}
    return save_changes(application, values, user=user, stamps={"updated_by": user})


def _spending_problems(
    application: FundApplication, *, spent_on: date, amount: Decimal, today: date
) -> list[str]:
    held, _ = entries_total(application)
    closed = spending_closed(
        allocated=application.allocated,
        allocated_on=application.allocated_on,
        spent=held,
        today=today,
    )
    if closed:
        return [closed]
    problems = []
    if day_problem := spending_day_problem(
        spent_on, allocated_on=application.allocated_on, today=today
    ):
        problems.append(day_problem)
    if amount <= 0:
        problems.append("支出金额应大于0")
    if application.allocated is not None and not problems:
        after = (held or Decimal(0)) + amount
        if after > application.allocated:
            problems.append(
                f"登记后支出合计（{wan_text(after)}）将大于下达金额（{wan_text(application.allocated)}）"
            )
    return problems


@audited("登记资金支出")
@transaction.atomic
def spending_record(
    *,
    user: User,
    application: FundApplication,
    spent_on: date,
    amount: Decimal,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> FundSpending:
    """Record one 支出 entry (its day and amount) and bring 支出金额 up to date.

    ``expected_version`` is the application's version the page showed: a page older than
    the application (another entry recorded meanwhile) is refused, so a payment is not
    entered twice from two tabs. ``today`` (the demo's day) bounds the entry's date."""
    require(user, "fund.keep")
    check_amount(amount, label="支出金额")
    application = locked_current(application, expected_version, label="该资金申报")
    problems = _spending_problems(
        application, spent_on=spent_on, amount=amount, today=today or timezone.localdate()
    )
    if problems:
        raise ValidationError([f"{problem}。" for problem in problems])
    entry = save_recorded(
        FundSpending(
            application=application,
            spent_on=spent_on,
            amount=amount,
            note=(note or "").strip()[:200],
            recorded_by=user,
        ),
        user=user,
    )
    spending_sync(application, user=user)
    journal.note(f"“{application}”登记支出{wan_text(amount)}（{spent_on}）")
    return entry


SPENDING_GONE = "该支出明细已被删除，请查看下方现有的支出明细。"


@audited("删除资金支出")
def spending_delete_gone(*, user: User) -> None:
    """A deletion asked of a 支出 already deleted (another tab, its page not yet reloaded): refused,
    and in the audit trail as every other refused deletion is (its request may come in after the
    deletion has committed, before `spending_delete` is reached)."""
    raise ValidationError(SPENDING_GONE)


@audited("删除资金支出")
@transaction.atomic
def spending_delete(
    *, user: User, entry: FundSpending, expected_version: int | None = None
) -> FundApplication:
    """Remove one 支出 entry (entered in error) and bring 支出金额 down with it."""
    require(user, "fund.keep")
    application = locked_current(entry.application, expected_version, label="该资金申报")
    # Deletions lock the application first, so one already done is seen here: a second
    # request for the same entry (two tabs, a form without its version) is told, not
    # recorded and announced as a second deletion.
    if not FundSpending.objects.filter(pk=entry.pk).exists():
        raise ValidationError(SPENDING_GONE)
    delete_recorded(entry, user=user)
    spending_sync(application, user=user)
    journal.note(f"“{application}”删除支出{wan_text(entry.amount)}（{entry.spent_on}）")
    return application


@dataclass(frozen=True)
class ClockRuleEntry:
    """One 资金类型's clock as the office enters it; ``expected_version`` as the form showed
    it (0: still the default; None: no check)."""

    fund_type: str
    yellow_days: int
    yellow_share: Decimal
    red_days: int
    red_share: Decimal
    expected_version: int | None = None


GONE = "{label}已被他人删除或重置。您提交的内容未保存；请刷新页面核对后重新填写。"
CLASH = "{label}刚被他人保存。您提交的内容未保存；请刷新页面核对后重新填写。"


def _clock_problems(entry: ClockRuleEntry) -> list[str]:
    label = FundType(entry.fund_type).label
    problems = []
    for name, days in (("黄灯", entry.yellow_days), ("红灯", entry.red_days)):
        if not 0 <= days <= DAYS_MAX:
            problems.append(f"{label}的{name}天数应在0到{DAYS_MAX}天之间。")
    for name, share in (("黄灯", entry.yellow_share), ("红灯", entry.red_share)):
        if not 0 <= share <= 100:
            problems.append(f"{label}的{name}支出进度应在0到100%之间。")
        elif share != share_value(share):  # shares are shown cut to one decimal
            problems.append(f"{label}的{name}支出进度最多填写一位小数。")
    if not problems and entry.yellow_days > entry.red_days:
        problems.append(
            f"{label}的黄灯天数（{entry.yellow_days}天）不能大于红灯天数（{entry.red_days}天）。"
        )
    if not problems and entry.yellow_share > entry.red_share:
        problems.append(
            f"{label}的黄灯支出进度（{entry.yellow_share.normalize():f}%）不能大于"
            f"红灯支出进度（{entry.red_share.normalize():f}%）。"
        )
    return problems


@audited("修改资金支出预警规则")
@transaction.atomic
def clock_rules_save(*, year: int, user: User, rules: list[ClockRuleEntry]) -> int:
    """Save ``year``'s fund clock rules as entered; how many rows changed. All or nothing;
    a rule entered as it stands (or as its default, never saved) writes nothing."""
    require(user, "year.configure")
    types = [entry.fund_type for entry in rules]
    if any(t not in FundType.values for t in types) or len(set(types)) != len(types):
        raise ValidationError("资金类型有误，请刷新页面后重新填写。")
    problems = [problem for entry in rules for problem in _clock_problems(entry)]
    if problems:
        raise ValidationError(problems)
    changed = 0
    for entry in rules:
        label = f"{year}年“{FundType(entry.fund_type).label}”资金支出预警规则"
        current = locked_or_default(
            FundClockRule.objects.filter(year=year, fund_type=entry.fund_type),
            entry.expected_version,
            label=label,
            default=partial(FundClockRule.default, year, entry.fund_type),
            gone=GONE.format(label=label),
        )
        values = {
            "yellow_days": entry.yellow_days,
            "yellow_share": entry.yellow_share,
            "red_days": entry.red_days,
            "red_share": entry.red_share,
        }
        fields = save_changes(
            current,
            values,
            user=user,
            stamps={"updated_by": user},
            clash=CLASH.format(label=label),
            clash_code="stale",
        )
        changed += bool(fields)
    return changed


@audited("上传资金申报附件")
@transaction.atomic
def fund_attach(
    *, user: User, application: FundApplication, files: list[Attachment]
) -> list[FundAttachment]:
    require(user, "fund.keep")
    saved = []
    for attachment in files:
        record = FundAttachment(application=application, uploaded_by=user)
        record.keep(attachment)
        saved.append(record)
    journal.note(f"“{application}”上传附件：{'、'.join(record.name for record in saved)}")
    return saved
