"""月度投资: monthly reports, by (项目代码, 年度, 月份), a chunk at a time.

A report row is equal when its amount and texts are and the stored report already counts, so
re-importing an export leaves form reports' status, source and reviewer as they were. New
reports arrive approved with ``source=ledger`` (on time for I5); a row that changes a report
entered through the forms (or a draft or returned one) makes it a ledger report, approved, with
the importing officer as reviewer (the submitter stays), and the preview lists the change. Rows
of a locked month equal to what is stored are skipped and counted; one that would change it is
a problem."""

from decimal import Decimal
from typing import Any

from core.history_rows import bulk_create_recorded, bulk_update_recorded
from core.workbooks import row_ref
from investment import rules
from investment.models import MonthlyReport
from ledger.rules import schema
from ledger.rules.results import SHOWN
from ledger.rules.rows import Record
from ledger.services.importer.base import Importer, named, same
from projects.models import AnnualPlan

Report = MonthlyReport


def import_reports(run: Importer, records: list[Record]) -> None:
    sheet = schema.REPORTS
    codes = {record.key[0] for record in records}
    known_codes = set(run.project_ids(codes))
    plans, names = {}, {}
    for code, name, year, pk, planned in run.fetch(
        AnnualPlan.objects.values_list(
            "project__code", "project__name", "year", "pk", "planned_investment"
        ),
        "project__code",
        codes,
    ):
        plans[code, year] = (pk, planned)
        names[code] = name
    stored = {
        (r.plan_id, r.month): r
        for r in run.fetch(Report.objects.all(), "plan_id", [pk for pk, _ in plans.values()])
    }
    counts = run.counts(sheet)
    to_create, to_update, changed = [], [], set()
    for record in records:
        code, year, month = record.key
        if code not in known_codes and code not in run.workbook_codes:
            run.unknown_code(sheet, record.row, code)
            continue
        plan = plans.get((code, year))
        if plan is None:
            if (code, year) not in run.workbook_plans and code not in run.refused_codes:
                run.problem(
                    f"项目“{code}”未列入{year}年度重点项目计划，请先在“项目台账”中填写该年度",
                    sheet,
                    record.row,
                    "年度",
                )
            continue  # (a workbook plan row that was refused: not written, not checked)
        _warn_unusual(run, record, plan[1])
        report = stored.get((plan[0], month))
        values = record.fields
        label = f"{named(names[code], code)} {year}年{month}月"
        if report is not None and _report_unchanged(report, values):
            if (year, month) in run.locked:
                run.result.locked += 1
                if len(run.result.locked_rows) < SHOWN:
                    run.result.locked_rows.append(f"{row_ref(sheet, record.row)}: {label}")
            else:
                counts.unchanged += 1
            continue
        if (year, month) in run.locked:
            run.problem(
                f"{year}年{month}月已锁定，不能再修改该月数据；如需更正请先在“报表审核”页写明原因解锁",
                sheet,
                record.row,
                "月份",
            )
            continue
        if report is None:
            to_create.append(
                Report(
                    plan_id=plan[0],
                    month=month,
                    status=Report.Status.APPROVED,
                    source=Report.Source.LEDGER,
                    **values,
                )
            )
            counts.created += 1
            continue
        changed |= _report_change(run, report, values, record.row, label)
        to_update.append(report)
        counts.updated += 1
    if run.writing:
        run.judged_plans.update(report.plan_id for report in [*to_create, *to_update])
        bulk_create_recorded(to_create, Report, batch_size=1000, user=run.user)
        if to_update:
            for report in to_update:
                report.version += 1
            bulk_update_recorded(
                to_update,
                Report,
                sorted(changed | {"version"}),
                batch_size=1000,
                user=run.user,
            )


def _report_unchanged(report: Report, values: dict[str, Any]) -> bool:
    """The row gives what is stored, and the stored report already counts."""
    return report.status in Report.COUNTED_STATUSES and all(
        same(getattr(report, name), value) for name, value in values.items()
    )


def _report_change(
    run: Importer, report: Report, values: dict[str, Any], row: int, label: str
) -> set[str]:
    """Apply a row to a stored report; the fields it changed.

    The ledger's figure is the office's: a report entered through the forms (or a draft,
    or a returned one) that a row changes becomes a ledger report approved by the person
    importing. The preview lists that change old → new like any other.
    """
    sheet = schema.REPORTS
    changed = set()
    for name, value in values.items():
        if not same(getattr(report, name), value):
            run.log(sheet, row, label, Report, name, getattr(report, name), value)
            setattr(report, name, value)
            changed.add(name)
    if report.source == Report.Source.FORM:
        run.result.form_reports += 1
    becomes: dict[str, object] = {
        "status": Report.Status.APPROVED,
        "source": Report.Source.LEDGER,
    }
    if report.source == Report.Source.FORM or report.status != Report.Status.APPROVED:
        becomes |= {"reviewed_by_id": getattr(run.user, "pk", None), "reviewed_at": run.now}
        becomes["return_reason"] = ""
    for name, value in becomes.items():
        if getattr(report, name) != value:
            if name in ("status", "source"):
                run.log(sheet, row, label, Report, name, getattr(report, name), value)
            setattr(report, name, value)
            changed.add(name.removesuffix("_id"))  # bulk_update wants the field's name
    return changed


def _warn_unusual(run: Importer, record: Record, planned: Decimal | None) -> None:
    text = rules.unusual_amount(record.fields["amount"], planned or Decimal(0))
    if text:
        code, year, month = record.key
        run.result.warnings_count += 1
        if len(run.result.warnings) < SHOWN * 5:
            run.result.warnings.append(
                f"{row_ref(schema.REPORTS, record.row)}: {code} {year}年{month}月: {text}"
            )
