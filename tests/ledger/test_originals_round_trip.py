"""原总投资 and 原计划竣工日期 travel with the ledger (DESIGN.md §4): the export writes them, an
import into an empty database keeps them, and a blank cell means the first value seen."""

from datetime import date
from decimal import Decimal

from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Project, ProjectRevision, Unit
from projects.services.revisions import project_revise
from tests.workbooks import code, load, read_back

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划竣工日期"]  # fmt: skip


def a_revised_project(cast) -> Project:
    load(
        {
            "项目台账": [
                HEADERS,
                [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 5000, 2024, 1000,
                 "2025-06-30"],
            ]
        }
    )  # fmt: skip
    project = Project.objects.get()
    project_revise(
        project=project, user=cast.officer, total_investment=Decimal("6200.5"),
        planned_end=date(2026, 6, 30), reason="概算调整",
    )  # fmt: skip
    return project


def test_the_export_writes_the_originals_beside_the_current_values(cast):
    a_revised_project(cast)

    sheet = read_back(render_workbook(ledger_sheets()))["项目台账"]
    row = dict(zip(sheet[0], sheet[1], strict=True))

    assert (row["总投资(万元)"], row["原总投资(万元)"]) == (6200.5, 5000)
    assert row["计划竣工日期"].date() == date(2026, 6, 30)
    assert row["原计划竣工日期"].date() == date(2025, 6, 30)


def test_an_export_imported_into_an_empty_database_keeps_the_originals(cast):
    a_revised_project(cast)
    exported = render_workbook(ledger_sheets())
    for model in (ProjectRevision, AnnualPlan, Project, Unit):
        model.objects.all().delete()

    import_ledger(data=exported, filename="导出.xlsx")

    project = Project.objects.get()
    assert (project.total_investment, project.original_total) == (
        Decimal("6200.5"), Decimal(5000),
    )  # fmt: skip
    assert (project.planned_end, project.original_completion) == (
        date(2026, 6, 30), date(2025, 6, 30),
    )  # fmt: skip
    assert not ProjectRevision.objects.exists()  # a new project: its values are as given


def test_an_export_reimported_over_itself_changes_nothing_and_writes_no_revision(cast):
    project = a_revised_project(cast)
    history = project.history.count()

    result = import_ledger(data=render_workbook(ledger_sheets()), filename="导出.xlsx")

    assert result.projects.unchanged == 1
    assert project.history.count() == history
    assert ProjectRevision.objects.count() == 2


def test_full_width_brackets_in_the_header_are_the_same_column():
    load(
        {
            "项目台账": [
                [*HEADERS, "原总投资（万元）", "原计划竣工日期"],
                [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 5600, 2024, 1000,
                 "2025-06-30", "5,000", "2024年12月31日"],
            ]
        }
    )  # fmt: skip

    project = Project.objects.get()
    assert (project.original_total, project.original_completion) == (
        Decimal(5000), date(2024, 12, 31),
    )  # fmt: skip


def test_a_workbook_cannot_move_a_kept_original_and_so_erase_an_overrun(cast):
    """原总投资 5,000 and a revision to 6,200.5: a workbook stating 原总投资 6,200.5 would
    make the overrun vanish with no reason; it is refused, naming the kept value."""
    a_revised_project(cast)

    try:
        load(
            {
                "项目台账": [
                    [*HEADERS, "原总投资(万元)"],
                    [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 6200.5, 2024, 1000,
                     "2026-06-30", 6200.5],
                ]
            }
        )  # fmt: skip
    except LedgerImportError as refused:
        assert "项目台账!2: 原总投资(万元): 已记录为5,000.00（项目首次列入年度计划时的值）" in str(
            refused
        )
    else:
        raise AssertionError("the import was not refused")
    assert Project.objects.get().original_total == Decimal(5000)
