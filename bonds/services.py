"""Every write to a fund application goes through here: atomic, checked, recorded.

The project office (项目办) records applications and each step of their lifecycle
(申报 → 批复 → 下达 → 支出); the amount and date rules are `bonds/rules.py`'s, the same the
ledger import applies.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audited
from bonds.models import FundApplication, FundAttachment, FundStatus, FundType
from bonds.rules import (
    LIFECYCLE,
    amount_problems,
    date_problems,
    resulting_status,
    status_problem,
)
from core import journal
from core.amounts import check_amount
from core.capabilities import require
from core.uploads import Attachment
from core.versioning import locked_current, save_changes, save_recorded
from projects.models import Project, User

AMOUNTS = [field for field, _ in LIFECYCLE]
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
    if application is None:
        return save_recorded(FundApplication(**values, updated_by=user), user=user, clash=DUPLICATE)
    application = locked_current(application, expected_version, label="该资金申报")
    save_changes(application, values, user=user, stamps={"updated_by": user}, clash=DUPLICATE)
    return application


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
