"""The office sets a year's ranking weights in a browser: preview what they change, save,
read the ranking; then saves unchanged (no new history) and is refused a wrong sum."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from investment.models import YearSettings
from investment.rules.indicators import weights_of
from investment.rules.year_settings import weights_sum_problem
from tests.browser.conftest import sign_in
from tests.investment.weights_county import NEW_WEIGHTS

SETTINGS = "/settings/year/?year=2024"
SHOTS = Path("/work/shots/settings")


def shoot(page, name: str) -> None:
    """Screenshots for a person to look at, outside the repository (skipped when the folder
    is missing, as on CI)."""
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), full_page=True)


def type_weights(page, **weights: int) -> None:
    for name, value in weights.items():
        page.fill(f"#id_{name}", str(value))


@pytest.mark.slow  # every step of the journey in Chromium
def test_the_office_previews_saves_and_is_refused_a_wrong_sum(tab, cast, weights_county):
    """On a copy of the prebuilt ranking-weights county (tests/prebuilt.py)."""
    page = tab.page
    sign_in(tab, cast.officer)

    # 年度设置 from the menu; the defaults are marked as such
    page.goto("/")
    page.click("nav >> text=年度设置")
    page.select_option("#settings-year", "2024")
    page.click("form.period button")
    page.wait_for_url("**/settings/year/?year=2024")
    expect(page.locator("#current")).to_contain_text("本年度尚未保存设置，以下均为默认值")
    expect(page.locator("#weight-sum")).to_have_text("100")

    # I1 50 → 30 and I5 5 → 25; the running sum follows the typing
    page.fill("#id_weight_investment", "30")
    expect(page.locator("#weight-sum")).to_have_text("80")
    page.fill("#id_weight_reporting", "25")
    expect(page.locator("#weight-sum")).to_have_text("100")
    page.fill("#id_list_size", "2")
    page.click("button:has-text('预览')")

    preview = page.locator("#preview")
    expect(preview).to_contain_text("预览：2024年12月考核排名")
    housing = preview.locator("tr[data-unit='县住建局']")
    expect(housing.locator("td.move")).to_have_text("↑2")
    expect(housing).to_contain_text("5 → 3")
    expect(preview.locator("tr[data-unit='营盘镇'] td.move")).to_have_text("↓2")
    expect(preview.locator(".preview-summary")).to_contain_text("营盘镇退出红榜")
    assert not YearSettings.objects.exists()  # a preview saves nothing
    shoot(page, "settings-preview-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "settings-preview-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("form.save-previewed button:has-text('保存')")
    page.wait_for_url("**/settings/year/?year=2024")
    expect(page.locator("ul.messages")).to_contain_text("2024年年度设置已保存")
    expect(page.locator("#history")).to_contain_text("投资完成权重：50 → 30")
    expect(page.locator("#history")).to_contain_text("王科长")
    shoot(page, "settings-saved-1280.png")

    # 考核排名 now scores with the new weights and lists two units each
    page.click("nav >> text=考核排名")
    page.goto("/rankings/?year=2024&month=12")
    expect(page.locator("main")).to_contain_text("投资完成×30")
    rows = page.locator("table tbody tr")
    expect(rows.nth(2)).to_contain_text("县住建局")
    expect(rows.nth(2)).to_contain_text("85.00")
    expect(page.locator("tr.red-row")).to_have_count(2)
    expect(page.locator("tr.black-row")).to_have_count(2)

    # again, saved unchanged: no new history row
    page.goto(SETTINGS)
    expect(page.locator("#current")).to_contain_text("第1版")
    page.click("button:has-text('预览')")
    expect(page.locator("#preview .preview-summary")).to_contain_text("各单位名次不变")
    page.click("form.save-previewed button:has-text('保存')")
    expect(page.locator("ul.messages")).to_contain_text("没有改变")
    assert YearSettings.history.count() == 1
    expect(page.locator("#history tbody tr")).to_have_count(1)

    # a wrong sum: refused in Chinese, nothing saved, no 保存 offered; corrected, it saves
    type_weights(page, weight_investment=25)
    expect(page.locator("#weight-sum")).to_have_text("95")
    page.click("button:has-text('预览')")
    expect(page.locator("#settings-form .error")).to_contain_text(weights_sum_problem(95))
    expect(page.locator("form.save-previewed")).to_have_count(0)
    shoot(page, "settings-refused-1280.png")
    assert weights_of(YearSettings.objects.get()) == tuple(NEW_WEIGHTS.values())

    type_weights(page, weight_investment=20, weight_start=30)
    page.click("button:has-text('预览')")
    page.fill("#id_due_day", "6")  # edited after the preview: 保存 waits for a new one
    expect(page.locator("form.save-previewed button")).to_be_disabled()
    page.click("button:has-text('预览')")
    page.click("form.save-previewed button:has-text('保存')")
    expect(page.locator("ul.messages")).to_contain_text("已保存")
    row = YearSettings.objects.get()
    corrected = NEW_WEIGHTS | {"weight_investment": 20, "weight_start": 30}
    assert (row.due_day, weights_of(row), row.version) == (6, tuple(corrected.values()), 2)
    assert tab.problems == []
