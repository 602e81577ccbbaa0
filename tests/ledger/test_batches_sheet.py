"""The ledger's sheet 三个一批 (DESIGN.md §4): 期次, 类别, 项目代码, 目标日期 in; ours out in the same
shape; an export imported into an empty database gives the same listings, and imported over
itself changes nothing (no history)."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from batches.models import Batch, BatchEntry
from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Project
from tests.builders import ledger, project_row
from tests.ledger.test_round_trip import empty_the_database
from tests.workbooks import code, read_back, xlsx

HEADERS = ["期次", "类别", "项目代码", "目标日期"]


def two_projects() -> list[dict]:
    return [
        project_row(1, {"签约日期": date(2026, 4, 8), "年度": 2026}),
        project_row(2, {"项目名称": "营盘公路改建", "责任单位": "营盘镇", "年度": 2026,
                        "实际开(复)工日期": date(2026, 5, 6), "投产日期": date(2026, 11, 2)}),
    ]  # fmt: skip


def the_province_list() -> list[list]:
    return [
        HEADERS,
        ["2026年第二期", "签约", code(1), date(2026, 6, 30)],
        ["2026年第二期", "开工", code(2), "2026/6/30"],
        ["2026年第四期", "投产", code(2), None],
    ]


def as_dates(row: tuple) -> tuple:
    """A row read back (openpyxl gives a date cell as a datetime; a row ends at its last value)."""
    row = row + (None,) * (len(HEADERS) - len(row))
    return tuple(v.date() if isinstance(v, datetime) else v for v in row)


def listings() -> set[tuple]:
    return set(
        BatchEntry.objects.values_list("batch__name", "batch__year", "batch__quarter", "kind",
                                       "project__code", "target_date")
    )  # fmt: skip


def test_a_provinces_list_comes_in_with_its_new_batches_named_in_the_preview(cast):
    ledger({"项目台账": two_projects()})

    preview = ledger({"三个一批": the_province_list()}, user=cast.officer, dry_run=True)
    assert "新建三个一批期次2个：2026年第二期、2026年第四期" in preview.lines()
    assert "三个一批：新增3条，更新0条，未变化0条" in preview.lines()
    assert not Batch.objects.exists()

    ledger({"三个一批": the_province_list()}, user=cast.officer)

    assert listings() == {
        ("2026年第二期", 2026, 2, "sign", code(1), date(2026, 6, 30)),
        ("2026年第二期", 2026, 2, "start", code(2), date(2026, 6, 30)),
        ("2026年第四期", 2026, 4, "produce", code(2), None),
    }
    assert BatchEntry.history.count() == 3 and Batch.history.count() == 2


def test_the_upload_page_names_the_new_batches_before_anything_is_written(client, cast):
    ledger({"项目台账": two_projects()})
    upload = SimpleUploadedFile("三个一批.xlsx", xlsx({"三个一批": the_province_list()}))
    client.force_login(cast.officer)

    page = client.post(reverse("ledger_import"), {"file": upload}).content.decode()

    assert "将新建2个三个一批期次：2026年第二期、2026年第四期" in page
    assert "三个一批：新增3条，更新0条，未变化0条" in page
    assert not Batch.objects.exists()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["2026年第二期", "竣工", code(1), None],
            '三个一批!2: 类别: 应为以下之一：签约、开工、投产，实际为"竣工"',
        ),
        (
            ["2026年第二期", "签约", code(9), None],
            f"三个一批!2: 项目代码: 项目代码“{code(9)}”在系统和本工作簿“项目台账”中都不存在",
        ),
        (
            ["省重点项目第二批", "签约", code(1), None],
            "三个一批!2: 期次: 期次“省重点项目第二批”在系统中不存在，且名称中看不出年度和第几期",
        ),
        (["2026年第二期", "签约", code(1), "六月底"], "三个一批!2: 目标日期: "),
        (
            ["2026年第二期", "签约", code(1), "2025-12-31"],
            "三个一批!2: 目标日期: 目标日期2025-12-31早于期次所在的2026年，请填写2026年1月1日或以后的日期",
        ),
        ([None, "签约", code(1), None], "三个一批!2: 期次: 必填，不能为空"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(row, expected):
    ledger({"项目台账": two_projects()})

    with pytest.raises(LedgerImportError) as refused:
        ledger({"三个一批": [HEADERS, row]})

    assert str(refused.value).startswith(expected), str(refused.value)
    assert not Batch.objects.exists() and not BatchEntry.objects.exists()


def test_a_row_listed_twice_is_refused():
    ledger({"项目台账": two_projects()})
    row = ["2026年第二期", "签约", code(1), None]

    with pytest.raises(LedgerImportError) as refused:
        ledger({"三个一批": [HEADERS, row, row]})

    assert "三个一批!3: 项目代码: 与三个一批!2重复" in str(refused.value)


def test_a_missing_required_column_is_named():
    with pytest.raises(LedgerImportError) as refused:
        ledger({"三个一批": [["期次", "项目代码"], ["2026年第二期", code(1)]]})

    assert "三个一批!1: 类别: 缺少必填列" in str(refused.value)


def test_a_known_batch_keeps_its_own_year_and_quarter_whatever_its_name():
    ledger({"项目台账": two_projects()})
    Batch.objects.create(name="省重点第一批", year=2026, quarter=1)

    ledger({"三个一批": [HEADERS, ["省重点第一批", "开工", code(2), None]]})

    assert listings() == {("省重点第一批", 2026, 1, "start", code(2), None)}


def test_the_export_writes_the_sheet_and_the_projects_dates():
    ledger({"项目台账": two_projects(), "三个一批": the_province_list()})

    sheets = read_back(render_workbook(ledger_sheets()))

    assert sheets["三个一批"][0] == tuple(HEADERS)
    assert sorted(map(as_dates, sheets["三个一批"][1:])) == sorted([
        ("2026年第二期", "签约", code(1), date(2026, 6, 30)),
        ("2026年第二期", "开工", code(2), date(2026, 6, 30)),
        ("2026年第四期", "投产", code(2), None),
    ])  # fmt: skip
    header = list(sheets["项目台账"][0])
    rows = {row[0]: row for row in sheets["项目台账"][1:]}
    signed, production = header.index("签约日期"), header.index("投产日期")
    dated = {c: as_dates(row + (None,) * len(header)) for c, row in rows.items()}
    assert (dated[code(1)][signed], dated[code(1)][production]) == (date(2026, 4, 8), None)
    assert (dated[code(2)][signed], dated[code(2)][production]) == (None, date(2026, 11, 2))


def test_an_export_imported_into_an_empty_database_gives_the_same_rows():
    ledger({"项目台账": two_projects(), "三个一批": the_province_list()})
    before = listings()
    dates = set(Project.objects.values_list("code", "signed_on", "production_on"))
    exported = render_workbook(ledger_sheets())

    BatchEntry.objects.all().delete()
    Batch.objects.all().delete()
    empty_the_database()
    assert not Project.objects.exists() and not AnnualPlan.objects.exists()
    import_ledger(data=exported, filename="导出.xlsx")

    assert listings() == before
    assert set(Project.objects.values_list("code", "signed_on", "production_on")) == dates


def test_an_export_imported_over_itself_changes_nothing_and_writes_no_history(cast):
    ledger({"项目台账": two_projects(), "三个一批": the_province_list()})
    histories = (BatchEntry.history.count(), Batch.history.count(), Project.history.count())
    exported = render_workbook(ledger_sheets())

    result = import_ledger(data=exported, filename="导出.xlsx", user=cast.officer)

    assert result.changes_nothing
    assert "三个一批：新增0条，更新0条，未变化3条" in result.lines()
    assert (BatchEntry.history.count(), Batch.history.count(), Project.history.count()) == histories


def test_a_changed_target_date_is_an_update_shown_old_to_new(cast):
    ledger({"项目台账": two_projects(), "三个一批": the_province_list()})

    result = ledger(
        {"三个一批": [HEADERS, ["2026年第二期", "签约", code(1), date(2026, 5, 31)]]},
        user=cast.officer,
    )

    change = result.changes.first[0]
    assert (change.field, change.old, change.new) == ("目标日期", "2026-06-30", "2026-05-31")
    assert BatchEntry.objects.get(kind="sign").target_date == date(2026, 5, 31)


def test_a_blank_target_date_leaves_the_stored_one():
    ledger({"项目台账": two_projects(), "三个一批": the_province_list()})

    ledger({"三个一批": [HEADERS, ["2026年第二期", "签约", code(1), None]]})

    assert BatchEntry.objects.get(kind="sign").target_date == date(2026, 6, 30)
