"""资金申报: fund applications, by (项目代码, 资金类型, 年度, 批次).

A new application's 状态, when blank, follows its amounts (`bonds.rules.resulting_status`); a
row's amounts over the stored ones must keep 批复 ≤ 申报 …. 支出金额 is a total: what it adds to
the application's dated 支出 entries is one adjusting entry of the import day, and a total below
them is refused naming the row; so is a 下达日期 later than the earliest entry, or a total whose
adjusting entry would come before its 下达日期 (`bonds.rules`, as the 资金申报 page refuses them)."""

from decimal import Decimal
from typing import Any

from bonds.models import FundApplication, FundSpending
from bonds.rules import (
    allocated_later,
    allocation_after_spending,
    amount_problems,
    resulting_status,
    status_choice,
    status_problem,
)
from bonds.selectors import Held, entries_held
from core import formatting
from core.history_rows import bulk_create_recorded
from ledger.rules import schema
from ledger.rules.rows import Record
from ledger.services.importer.base import Importer, same

HEADERS = {
    "approved": "批复金额(万元)",
    "allocated": "下达金额(万元)",
    "spent": "支出金额(万元)",
}
AMOUNTS = ("requested", "approved", "allocated", "spent")
NONE_HELD = Held(Decimal(0), None)


def import_funds(run: Importer, records: list[Record]) -> None:
    sheet = schema.FUNDS
    ids = run.known_projects(sheet, records, lambda r: r.key[0])
    stored = {
        (f.project.code, f.fund_type, f.year, f.batch): f
        for f in run.fetch(
            FundApplication.objects.select_related("project"), "project_id", ids.values()
        )
    }
    held = entries_held([f.pk for f in stored.values()])
    adjustments: dict[tuple[Any, ...], Decimal] = {}
    items = []
    for record in records:
        values = dict(record.fields)
        fund = stored.get(record.key)
        # 支出金额 is a total: what it adds to the dated entries is one entry of today
        # (bonds.services: 支出金额 is the sum of the entries).
        entries, first = held.get(fund.pk, NONE_HELD) if fund is not None else NONE_HELD
        allocated_on = values.get("allocated_on", fund.allocated_on if fund else None)
        if (problem := allocation_after_spending(values.get("allocated_on"), first)) is not None:
            run.problem(
                f"{problem}，请在资金申报页删除有误的支出明细", sheet, record.row, "下达日期"
            )
        if "spent" in values and (fund is None or not same(fund.spent, values["spent"])):
            spent = values["spent"]
            if spent < entries:
                run.problem(
                    f"支出金额（{formatting.wan_text(spent)}）小于已登记的支出明细合计"
                    f"（{formatting.wan_text(entries)}），"
                    "请在资金申报页删除有误的支出明细",
                    sheet, record.row, "支出金额(万元)",
                )  # fmt: skip
            elif spent > entries and (later := allocated_later(allocated_on, run.today)):
                # the difference would be an entry of the import day, before the money was 下达
                run.problem(later, sheet, record.row, "支出金额(万元)")
            elif spent > entries:
                adjustments[record.key] = spent - entries
                values["spent_on"] = run.today
        given = values.get("status")
        if fund is None:
            amounts = {n: values.get(n) for n in AMOUNTS}
            choice = given or ""
        else:
            # The row's amounts over the stored ones must still keep 批复 ≤ 申报 …
            amounts = {n: values.get(n, getattr(fund, n)) for n in AMOUNTS}
            for name, reason in amount_problems(amounts):
                run.problem(reason, sheet, record.row, HEADERS[name])
            # A blank 状态, or the stored one repeated (an exported row whose amounts a
            # clerk changed), leaves it as it was: following the amounts, or as chosen.
            stored_amounts = {n: getattr(fund, n) for n in AMOUNTS}
            unchosen = given is None or given == fund.status
            choice = status_choice(fund.status, stored_amounts) if unchosen else given
        values["status"] = resulting_status(choice, amounts)
        if (problem := status_problem(values["status"], amounts)) is not None:
            run.problem(problem, sheet, record.row, "状态")
        if values.get("allocated_on") is not None and amounts["allocated"] is None:
            run.problem("填写了下达日期，但未填写下达金额", sheet, record.row, "下达日期")
        code, fund_type, year, batch = record.key
        label = f"{code} {fund_type} {year}年 {batch}".strip()
        items.append((record.key, values, record.row, label))
    run.upsert(
        sheet,
        run.counts(sheet),
        FundApplication,
        stored,
        items,
        lambda key, values: FundApplication(
            project_id=ids[key[0]], fund_type=key[1], year=key[2], batch=key[3], **values
        ),
    )
    if run.writing and adjustments:
        adjusting = [
            FundSpending(
                application=stored[key], spent_on=run.today, amount=amount,
                kind=FundSpending.Kind.ADJUSTMENT, note=f"台账导入（{run.filename}）",
                recorded_by=run.user,
            )
            for key, amount in adjustments.items()
        ]  # fmt: skip
        bulk_create_recorded(adjusting, FundSpending, batch_size=1000, user=run.user)
