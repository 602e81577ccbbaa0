"""What the preview of an upload says before anything is written, and that the confirmation
imports exactly the file previewed."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from investment.models import MonthlyReport, ReportingPeriod
from ledger import views
from projects.models import Project, Unit, User
from projects.selectors import closest_units
from tests import builders
from tests.ledger.test_ledger_pages import confirm
from tests.workbooks import REPORT_HEADERS, code, load, read_back, xlsx


def an_officer(cast, client) -> User:
    officer = cast.officer
    client.force_login(officer)
    return officer


def preview(client, sheets: dict, name: str = "台账.xlsx"):
    data = xlsx(sheets)
    return client.post(reverse("ledger_import"), {"file": SimpleUploadedFile(name, data)})


def project(serial: int, unit: str = "县住建局", planned=500, name: str | None = None) -> dict:
    return builders.project_row(
        serial,
        {"项目名称": name or f"项目{serial}", "责任单位": unit, "年度计划投资(万元)": planned,
         "实际开(复)工日期": None},
    )  # fmt: skip


GOOD = project(1, name="城关污水处理厂")  # test_ledger_pages.py's GOOD row, by header


def projects(*records: dict) -> list[list]:
    """The 项目台账 sheet of ``records``."""
    return builders.sheet("项目台账", records)


def test_the_preview_lists_each_changed_field_old_to_new(client, cast):
    load({"项目台账": projects(project(1), project(2))})
    an_officer(cast, client)

    shown = preview(
        client,
        {
            "项目台账": projects(
                project(1, name="城关污水处理厂二期"),
                project(2, planned=650),
            )
        },
    )

    rows = [(c.sheet, c.row, c.record, c.field, c.old, c.new) for c in shown.context["changes"]]
    assert rows == [
        (
            "项目台账",
            2,
            f"城关污水处理厂二期（{code(1)}）",
            "项目名称",
            "项目1",
            "城关污水处理厂二期",
        ),
        ("项目台账", 3, f"项目2（{code(2)}） 2024年", "年度计划投资(万元)", "500.00", "650.00"),
    ]
    page = shown.content.decode()
    assert "将修改2处（原值 → 新值）" in page
    assert "<td>项目1</td><td>城关污水处理厂二期</td>" in page
    assert Project.objects.get(code=code(1)).name == "项目1"  # nothing written yet


def test_the_preview_names_the_new_projects_and_folds_nothing_else_into_them(client, cast):
    load({"项目台账": projects(project(1))})
    an_officer(cast, client)

    shown = preview(
        client,
        {"项目台账": projects(project(1), project(2, name="营盘公路改建"), project(3))},
    )

    result = shown.context["preview"]
    assert result.new_projects == [f"营盘公路改建（{code(2)}）", f"项目3（{code(3)}）"]
    page = shown.content.decode()
    assert "将新增2个项目" in page and f"<li>营盘公路改建（{code(2)}）</li>" in page


def test_the_first_screenful_is_shown_and_the_whole_list_downloads(client, monkeypatch, cast):
    monkeypatch.setattr(views, "SHOWN_CHANGES", 3)
    load({"项目台账": projects(*(project(n) for n in range(1, 6)))})
    an_officer(cast, client)

    shown = preview(client, {"项目台账": projects(*(project(n, planned=9) for n in range(1, 6)))})

    assert len(shown.context["changes"]) == 3
    assert "下表为前3处" in shown.content.decode()
    download = client.get(reverse("ledger_changes"), {"preview": shown.context["token"]})
    sheet = read_back(download.content)["变更清单"]
    assert sheet[0] == ("工作表", "行", "记录", "字段", "原值", "新值")
    assert [row[1] for row in sheet[1:]] == [2, 3, 4, 5, 6]
    assert {row[4:] for row in sheet[1:]} == {("500.00", "9.00")}


def test_the_change_list_of_a_preview_not_in_the_session_is_refused_with_a_message(client, cast):
    an_officer(cast, client)

    response = client.get(reverse("ledger_changes"), {"preview": "0" * 32}, follow=True)

    assert "该预览已导入、已被取消或已过期" in response.content.decode()


def test_a_new_unit_is_named_with_the_existing_units_closest_to_it(client, cast):
    load(
        {
            "项目台账": projects(
                project(1, unit="县城市管理局"),
                project(2, unit="县住建局"),
            )
        }
    )
    an_officer(cast, client)

    shown = preview(client, {"项目台账": projects(project(3, unit="城管局"))})

    assert shown.context["preview"].similar_units == {"城管局": ["县城市管理局"]}
    page = shown.content.decode()
    assert "将新建1个责任单位" in page
    assert "“城管局”：系统中名称相近的单位：县城市管理局" in page
    assert not Unit.objects.filter(name="城管局").exists()


def test_closest_units_catch_abbreviations_and_typos_but_not_strangers():
    units = ["县城市管理局", "县住房和城乡建设局", "营盘镇", "县交通运输局", "县自然资源局"]

    assert closest_units("城管局", units) == ["县城市管理局"]
    assert closest_units("县住建局", units)[0] == "县住房和城乡建设局"
    assert closest_units("营盘真", units) == ["营盘镇"]
    assert closest_units("下梁镇", units) == []


def test_rows_of_a_locked_month_equal_to_what_is_stored_are_counted_and_listed(client, cast):
    load(
        {
            "项目台账": projects(project(1), project(2)),
            "月度投资": [REPORT_HEADERS, [code(1), 2024, 3, 10], [code(2), 2024, 3, 20]],
        }
    )
    ReportingPeriod.objects.create(year=2024, month=3, locked_at=timezone.now())
    an_officer(cast, client)

    shown = preview(
        client,
        {
            "月度投资": [
                REPORT_HEADERS,
                [code(1), 2024, 3, 10],
                [code(2), 2024, 3, 20],
                [code(1), 2024, 4, 5],
            ]
        },
    )

    result = shown.context["preview"]
    assert (result.locked, result.locked_rows) == (
        2,
        [f"月度投资!2: 项目1（{code(1)}） 2024年3月", f"月度投资!3: 项目2（{code(2)}） 2024年3月"],
    )
    page = shown.content.decode()
    assert "已锁定月份的2行与系统一致，跳过不处理（点击展开）</summary>" in page  # one folded line
    assert "月度投资：新增1条，更新0条，未变化0条，已锁定月份与系统一致而跳过2条" in page


def test_the_confirmation_imports_the_file_previewed_in_its_own_tab(client, cast):
    """Preview A in one tab, B in another, press 确认导入 in A's tab: A is imported."""
    an_officer(cast, client)
    tab_a = preview(client, {"项目台账": projects(GOOD)}, name="A.xlsx")
    tab_b = preview(client, {"项目台账": projects(project(7, name="B的项目"))}, "B.xlsx")

    response = confirm(client, tab_a, follow=True)

    assert "“A.xlsx”导入完成" in response.content.decode()
    assert list(Project.objects.values_list("name", flat=True)) == ["城关污水处理厂"]
    confirm(client, tab_b)  # B's tab still confirms B
    assert Project.objects.count() == 2


def test_a_confirmation_whose_checksum_is_not_the_previewed_files_is_refused(client, cast):
    an_officer(cast, client)
    shown = preview(client, {"项目台账": projects(GOOD)})

    form = {"action": "confirm", "preview": shown.context["token"], "checksum": "0" * 64}
    response = client.post(reverse("ledger_import"), form, follow=True)

    assert "要确认的文件与预览的“台账.xlsx”不一致，未导入任何数据" in response.content.decode()
    assert Project.objects.count() == 0


def test_a_tab_refused_before_its_import_leaves_the_preview_to_the_tab_that_confirms_it(
    client, cast
):
    # Two tabs of one browser confirm one preview; the session both read still holds it. The
    # first tab's post is refused (its checksum is not the preview's) before its import claims
    # the preview: it must not delete the file the second tab imports (projects.previews).
    an_officer(cast, client)
    shown = preview(client, {"项目台账": projects(GOOD)})
    kept = dict(client.session["ledger_previews"])
    form = {"action": "confirm", "preview": shown.context["token"], "checksum": "0" * 64}

    refused = client.post(reverse("ledger_import"), form, follow=True).content.decode()

    assert "不一致，未导入任何数据" in refused and Project.objects.count() == 0
    session = client.session
    session["ledger_previews"] = kept  # the second tab read the session before
    session.save()
    done = confirm(client, shown, follow=True).content.decode()
    assert "“台账.xlsx”导入完成。" in done and Project.objects.count() == 1


def test_a_stored_preview_file_changed_after_the_preview_is_refused(client, cast):
    an_officer(cast, client)
    shown = preview(client, {"项目台账": projects(GOOD)})
    path = client.session["ledger_previews"][shown.context["token"]]["path"]
    default_storage.delete(path)
    default_storage.save(
        path, SimpleUploadedFile("x.xlsx", xlsx({"项目台账": projects(project(9))}))
    )

    response = confirm(client, shown, follow=True)

    assert "不一致，未导入任何数据" in response.content.decode()
    assert Project.objects.count() == 0


def test_a_preview_is_confirmed_once(client, cast):
    an_officer(cast, client)
    shown = preview(client, {"项目台账": projects(GOOD)})
    confirm(client, shown)

    response = confirm(client, shown, follow=True)

    assert "没有待确认的导入" in response.content.decode()
    assert Project.objects.count() == 1
    assert MonthlyReport.objects.count() == 0


def test_the_command_names_the_units_closest_to_a_new_one(tmp_path):
    load({"项目台账": projects(project(1, unit="县城市管理局"))})
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx({"项目台账": projects(project(2, unit="城管局"))}))
    out = io.StringIO()

    call_command("import_ledger", str(path), "--dry-run", stdout=out)

    assert "请核对新建单位“城管局”：系统中名称相近的单位有县城市管理局" in out.getvalue()


def test_a_preview_the_database_has_moved_past_is_refused_not_confirmed_blind(client, cast):
    """Two tabs: A changes a project, then B's older preview of the same project is confirmed.
    B's preview said one change; now it would undo A's as well: refused, nothing written."""
    an_officer(cast, client)
    load({"项目台账": projects(project(1, planned=500), project(2, planned=600))})
    tab_a = preview(client, {"项目台账": projects(project(1, planned=510), project(2, planned=600))}, "A.xlsx")  # fmt: skip
    tab_b = preview(client, {"项目台账": projects(project(1, planned=500), project(2, planned=650))}, "B.xlsx")  # fmt: skip
    confirm(client, tab_a)

    response = confirm(client, tab_b, follow=True)

    page = response.content.decode()
    assert "预览之后系统中的数据已有变化" in page and "未导入任何数据" in page
    planned = dict(Project.objects.values_list("code", "plans__planned_investment"))
    assert planned == {code(1): 510, code(2): 600}  # A's change stands; B wrote nothing


def test_a_typo_of_an_abbreviation_is_offered_the_unit_it_means_and_nothing_near_it():
    units = ["县住房和城乡建设局", "县商务局", "县教育局", "县林业局", "县交通运输局"]

    assert closest_units("县往建局", units) == ["县住房和城乡建设局"]
