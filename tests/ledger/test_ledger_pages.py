"""Excel in the browser: template, upload with a preview, confirm, export."""

import io

import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from investment.models import MonthlyReport
from projects.models import Project, Unit, User
from tests.builders import sheet
from tests.workbooks import PROJECT_HEADERS, code, load, read_back, xlsx


def upload(rows: list[list]) -> SimpleUploadedFile:
    return SimpleUploadedFile("台账.xlsx", xlsx({"项目台账": [PROJECT_HEADERS, *rows]}))


GOOD = [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2024, 500, None]


def confirm(client, preview, **kwargs):
    """Press 确认导入 on the page of ``preview`` (the response that showed it)."""
    form = {"action": "confirm", "preview": preview.context["token"]}
    form["checksum"] = preview.context["checksum"]
    return client.post(reverse("ledger_import"), form, **kwargs)


def test_an_upload_is_previewed_and_written_only_when_confirmed(client, cast):
    client.force_login(cast.officer)

    preview = client.post(reverse("ledger_import"), {"file": upload([GOOD])})
    page = preview.content.decode()
    assert "项目：新增1个" in page
    assert "确认导入" in page
    assert Project.objects.count() == 0

    response = confirm(client, preview, follow=True)
    assert "导入完成" in response.content.decode()
    assert Project.objects.get().name == "城关污水处理厂"


def pending_uploads() -> list[str]:
    return default_storage.listdir("ledger-uploads")[1]


def test_each_preview_waits_for_its_own_confirmation_and_is_dropped_after_a_day(client, cast):
    for name in pending_uploads():  # the in-memory storage lives as long as the test process
        default_storage.delete(f"ledger-uploads/{name}")
    other = type(client)()
    with time_machine.travel("2024-03-01 09:00+08:00"):
        other.force_login(cast.second_officer)
        theirs = other.post(reverse("ledger_import"), {"file": upload([GOOD])}).context["token"]
        client.force_login(cast.officer)
        first = client.post(reverse("ledger_import"), {"file": upload([GOOD])}).context["token"]
    with time_machine.travel("2024-03-01 09:10+08:00"):
        second = client.post(reverse("ledger_import"), {"file": upload([GOOD])}).context["token"]
        # A second tab's preview does not replace the first; each is a file and its changes.
        assert set(client.session["ledger_previews"]) == {first, second}
    assert len(pending_uploads()) == 6

    with time_machine.travel("2024-03-02 10:00+08:00"):
        client.force_login(User.objects.get(username="office"))
        client.post(reverse("ledger_import"), {"file": upload([GOOD])})
    assert not any(theirs in name for name in pending_uploads())  # unconfirmed for over a day
    assert len(pending_uploads()) == 2
    assert Project.objects.count() == 0


def test_a_bad_upload_lists_every_problem_and_writes_nothing(client, cast):
    client.force_login(cast.officer)
    bad = [*GOOD[:3], "乡重点", *GOOD[4:]]

    page = client.post(reverse("ledger_import"), {"file": upload([bad])}).content.decode()

    assert "有1处问题，未写入任何数据" in page
    assert "应为以下之一：省重点、市重点、县重点，实际为&quot;乡重点&quot;" in page
    assert "确认导入" not in page
    assert Project.objects.count() == 0


def test_confirming_without_a_pending_upload_is_explained(client, cast):
    client.force_login(cast.officer)

    response = client.post(reverse("ledger_import"), {"action": "confirm"}, follow=True)

    assert "没有待确认的导入" in response.content.decode()


def test_the_template_and_the_export_download_as_workbooks(client, cast):
    client.force_login(cast.officer)
    confirm(client, client.post(reverse("ledger_import"), {"file": upload([GOOD])}))

    template = read_back(client.get(reverse("ledger_template")).content)
    export = read_back(client.get(reverse("ledger_export"), {"year": 2024}).content)

    assert len(template["项目台账"]) == 1  # the headers only
    assert template["项目台账"][0][:8] == tuple(PROJECT_HEADERS[:8])
    assert export["项目台账"][1][:2] == (code(1), "城关污水处理厂")


def test_the_registers_filter_exports_just_its_rows_within_the_users_scope(client, cast):
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                GOOD,
                [code(2), "城关保障房", "县住建局", "市重点", "新建", 800, 2024, 300, None],
                [code(3), "营盘公路", "营盘镇", "县重点", "续建", 800, 2024, 300, None],
            ]
        }
    )
    client.force_login(cast.officer)

    county = read_back(
        client.get(reverse("ledger_export"), {"year": 2024, "level": "county"}).content
    )
    assert [row[0] for row in county["项目台账"][1:]] == [code(1), code(3)]

    unit = Unit.objects.get(name="县住建局")
    client.force_login(cast.reporter_of(unit))
    own = read_back(client.get(reverse("ledger_export"), {"year": 2024}).content)
    assert [row[0] for row in own["项目台账"][1:]] == [code(1), code(2)]


def test_a_month_above_half_the_plan_is_imported_with_a_note_to_check_it(client, cast):
    client.force_login(cast.officer)
    workbook = xlsx(
        {
            "项目台账": [PROJECT_HEADERS, GOOD],  # plan 500 万元 in 2024
            "月度投资": sheet("月度投资", [{"项目代码": code(1), "年度": 2024, "月份": 3, "本月完成投资(万元)": 1_250_000}, {"项目代码": code(1), "年度": 2024, "月份": 4, "本月完成投资(万元)": 50}]),
        }
    )  # fmt: skip

    preview = client.post(
        reverse("ledger_import"), {"file": SimpleUploadedFile("台账.xlsx", workbook)}
    )
    page = preview.content.decode()
    assert "请核对（不影响导入）：1处" in page
    assert "月度投资!2: " + code(1) + " 2024年3月: 本月完成投资占年度计划的250000.0%" in page

    response = confirm(client, preview, follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert "请核对（已导入）：1处" in said  # the count, then each note a message of its own
    assert said[said.index("请核对（已导入）：1处") + 1].startswith(
        f"月度投资!2: {code(1)} 2024年3月"
    )
    assert MonthlyReport.objects.count() == 2


def test_the_import_command_prints_the_notes_to_check(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        xlsx(
            {
                "项目台账": [PROJECT_HEADERS, GOOD],
                "月度投资": sheet("月度投资", [{"项目代码": code(1), "年度": 2024, "月份": 3, "本月完成投资(万元)": 400}]),  # 80% of 500 in a month
            }
        )
    )  # fmt: skip
    out = io.StringIO()

    call_command("import_ledger", str(path), stdout=out)

    assert (
        f"请核对：月度投资!2: {code(1)} 2024年3月: 本月完成投资占年度计划的80.0%" in out.getvalue()
    )
