"""管理照片 on a draft: the reporter deletes a wrong photo, sends the month, and the sent report's
photos offer no 删除 any more (walk-through: a draft's photo could not be deleted)."""

import io
from decimal import Decimal

from PIL import Image

from investment.models import MonthlyReport, ReportPhoto
from investment.services import reports as services
from investment.services.photos import photo_add
from projects.models import AnnualPlan
from tests.browser.conftest import sign_in
from tests.builders import ledger
from tests.workbooks import code


def a_jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (shade, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_reporter_deletes_a_drafts_photo_then_sends_and_delete_is_gone(
    tab, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ledger({"项目台账": [{"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-01-05"}]})  # fmt: skip
    report = services.report_save(
        plan=AnnualPlan.objects.get(), month=3, user=cast.reporter, amount=Decimal(60)
    )
    for caption, shade in (("错传的照片", 40), ("主体施工", 160)):
        photo_add(report=report, user=cast.reporter, data=a_jpeg(shade), caption=caption)
    sign_in(tab, cast.reporter)
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto("/reports/2024/3/")
    page.click("a:has-text('管理照片')")
    page.wait_for_url(f"**/reports/{report.pk}/photos/")
    with page.expect_navigation():
        page.click("figure:has-text('错传的照片') button:has-text('删除')")

    assert "照片已删除" in page.locator(".messages").inner_text()
    assert page.locator(".photos figure").count() == 1
    assert "错传的照片" not in page.locator(".photos").inner_text()
    assert list(ReportPhoto.objects.values_list("caption", flat=True)) == ["主体施工"]

    page.goto("/reports/2024/3/")
    page.locator("button[value=submit]").click()
    page.wait_for_selector(".messages")
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.SUBMITTED
    page.goto(f"/reports/{report.pk}/photos/")
    assert page.locator(".photos figure").count() == 1
    assert page.locator("button:has-text('删除')").count() == 0
    assert tab.problems == []
