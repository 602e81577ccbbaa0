"""A reporter's month in a real browser, at desktop and phone width: fill the month with
photos (several at once), send it after the confirmation, get one report returned with a
reason, correct that row alone and send it again; the office approves.

Screenshots of each step go to /tmp/month/ (for people to look at; nothing is compared).
"""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from investment.models import MonthlyReport, ReportPhoto
from projects.models import Unit
from tests.browser.conftest import sign_in
from tests.builders import ledger
from tests.workbooks import code

SHOTS = Path("/tmp/month")
Status = MonthlyReport.Status
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def a_unit_in_march(cast) -> dict:
    """县住建局 with two projects started in January, each with February's report and its text,
    and one not started yet; March is the month being filled in."""
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "城关保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(3), "项目名称": "城南停车场", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 200, "年度": 2024, "年度计划投资(万元)": 100},
            ],
            "月度投资": [
                ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度", "存在问题"],
                [code(1), 2024, 2, 40, "主体结构施工至二层", "用地指标未落实"],
                [code(2), 2024, 2, 20, "基础施工", ""],
            ],
        }
    )  # fmt: skip
    unit = Unit.objects.get(name="县住建局")
    return {
        "reporter": cast.reporter_of(unit),
        "office": cast.officer,
    }


def photo_files(tmp_path: Path, count: int) -> list[str]:
    paths = []
    for index in range(count):
        path = tmp_path / f"现场{index + 1}.jpg"
        Image.new("RGB", (800, 600), (40 + 60 * index, 120, 200)).save(path, format="JPEG")
        paths.append(str(path))
    return paths


def row(page, name: str):
    return page.locator("tr.entry-line", has=page.locator(f"a:text-is('{name}')"))


def shot(page, width: str, step: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{width}-{step}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reporter_sends_the_month_gets_one_back_corrects_it_and_the_office_approves(
    tab, tmp_path, width, cast
):
    people = a_unit_in_march(cast)
    page = tab.page
    page.set_viewport_size(WIDTHS[width])
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    sign_in(tab, people["reporter"])

    # 1. The month opens with February's text filled in, and says what is expected.
    page.goto("/reports/2024/3/")
    sewage, housing, parking = (
        row(page, n) for n in ("城关污水处理厂", "城关保障房", "城南停车场")
    )
    assert sewage.locator("textarea[name$=-progress]").input_value() == "主体结构施工至二层"
    assert sewage.locator("textarea[name$=-problems]").input_value() == "用地指标未落实"
    assert "本月应报2个项目" in page.inner_text(".entry-status")
    assert "未开工·本月无需报送" in parking.inner_text()
    if width == "phone":
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] < 844 / 5, header  # the header no longer takes half the screen
        bar = page.locator(".action-bar").bounding_box()
        assert bar["y"] + bar["height"] <= 844  # the save buttons are on the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, width, "1-opened")

    # 2. Fill two rows: new text and two photos at once on one, 本月无变化 on the other.
    sewage.locator("input[name$=-amount]").fill("60.5")
    sewage.locator("textarea[name$=-progress]").fill("主体结构施工至四层")
    sewage.locator("input[type=file]").set_input_files(photo_files(tmp_path, 2))
    housing.locator("input[name$=-amount]").fill("25")
    housing.locator("textarea[name$=-progress]").fill("随手改了几个字")
    housing.locator("input.js-unchanged").check()
    assert housing.locator("textarea[name$=-progress]").input_value() == "基础施工"
    shot(page, width, "2-filled")
    page.locator("button[value=submit]").click()
    page.wait_for_selector(".messages")

    assert dialogs == [
        "将报送2个项目的月报，本月完成投资合计85.50万元。\n"
        "如有数据质量提示，将先列出供您核对或填写说明，确认后才报送；"
        "报送后不能修改（如需更正须由项目办退回）。继续吗？"
    ]
    assert "已报送2个项目的月报，本月完成投资合计85.50万元，上传照片2张" in page.inner_text(
        ".messages"
    )
    first = MonthlyReport.objects.get(plan__project__code=code(1), month=3)
    second = MonthlyReport.objects.get(plan__project__code=code(2), month=3)
    assert (first.amount, first.progress, first.status) == (
        Decimal("60.5"),
        "主体结构施工至四层",
        Status.SUBMITTED,
    )
    assert (second.progress, second.status) == ("基础施工", Status.SUBMITTED)
    assert ReportPhoto.objects.filter(report=first).count() == 2
    # Sent rows are read-only now, with their photos; nothing is left to save.
    assert sewage.locator("input, textarea").count() == 0
    assert sewage.locator(".photo-strip img").count() == 2
    assert "已报送" in sewage.inner_text()
    shot(page, width, "3-sent")

    # 3. The office returns one report with a reason on the review page.
    sign_in(tab, people["office"])
    page.goto("/review/2024/3/")
    assert page.locator(f"img[src$='/photos/{first.photos.first().pk}/thumb/']").count() == 1
    form = page.locator(f"form[action$='/reports/{second.pk}/return/']")
    if not form.is_visible():  # the return form may sit folded in a details element
        page.locator(f"tr:has(form[action$='/reports/{second.pk}/return/']) summary").first.click()
    form.locator("input[name=reason], textarea[name=reason]").fill("本月完成投资与统计数据不符")
    form.locator("button").click()
    page.wait_for_load_state()
    second.refresh_from_db()
    assert (second.status, second.return_reason) == (Status.RETURNED, "本月完成投资与统计数据不符")
    shot(page, width, "4-returned")

    # 4. The reporter sees the reason on the row, corrects it alone and sends it again.
    sign_in(tab, people["reporter"])
    page.goto("/reports/2024/3/")
    housing = row(page, "城关保障房")
    assert "退回原因：本月完成投资与统计数据不符" in housing.inner_text()
    assert row(page, "城关污水处理厂").locator("input, textarea").count() == 0
    shot(page, width, "5-reason-shown")
    before = first.version
    housing.locator("input[name$=-amount]").fill("28")
    page.locator("button[value=submit]").click()
    page.wait_for_selector(".messages")
    assert dialogs[-1].startswith("将报送1个项目的月报，本月完成投资合计28.00万元。")
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.amount, second.status) == (Decimal(28), Status.SUBMITTED)
    assert (first.version, first.status) == (before, Status.SUBMITTED)  # untouched
    assert row(page, "城关保障房").locator("input, textarea").count() == 0
    shot(page, width, "6-sent-again")

    # 5. The office approves both.
    sign_in(tab, people["office"])
    page.goto("/review/2024/3/")
    page.locator("button[name=scope][value=all]").click()
    page.wait_for_load_state()
    assert set(MonthlyReport.objects.filter(month=3).values_list("status", flat=True)) == {
        Status.APPROVED
    }
    sign_in(tab, people["reporter"])
    page.goto("/reports/2024/3/")
    assert page.locator(".entry-line .tag.approved").count() == 2
    shot(page, width, "7-approved")
    assert tab.problems == []


def test_a_returned_row_with_a_bad_photo_is_refused_naming_the_project_and_keeps_the_rest(
    tab, tmp_path, cast
):
    people = a_unit_in_march(cast)
    sign_in(tab, people["reporter"])
    page = tab.page
    strip = tmp_path / "长条.png"
    buffer = io.BytesIO()
    Image.new("1", (65536, 1)).save(buffer, format="PNG", optimize=True)
    strip.write_bytes(buffer.getvalue())

    page.goto("/reports/2024/3/")
    sewage = row(page, "城关污水处理厂")
    sewage.locator("input[name$=-amount]").fill("60")
    sewage.locator("input[type=file]").set_input_files(str(strip))
    page.locator("button[value=save]").click()
    page.wait_for_selector(".messages")

    text = page.inner_text(".messages")
    assert "“城关污水处理厂”：照片“长条.png”：照片的宽或高超过20000像素" in text
    assert "未保存任何数据" in text
    assert MonthlyReport.objects.filter(month=3).count() == 0
    assert row(page, "城关污水处理厂").locator("input[name$=-amount]").input_value() == "60"
    assert tab.problems == []
