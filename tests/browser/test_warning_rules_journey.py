"""预警规则 in a browser: the office lowers the 投资滞后 red threshold (30 → 15) and the board's
marks, the lag list and the dashboard's counts change at once; it opens the rules again and
saves them unchanged (nothing changes, no history); a yellow above the red is refused in
Chinese with nothing saved, then corrected and saved."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from investment.models import WarningRule
from tests.browser.conftest import sign_in
from tests.workbooks import REPORT_HEADERS, code, load

SHOTS = Path(os.environ.get("SHOTS", "/tmp/warnings-shots"))
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PERIOD = "year=2026&month=10"  # 序时进度 83.3%
HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "行业类别", "实际开(复)工日期"]  # fmt: skip


def a_county() -> None:
    """October 2026, every month reported: 城关污水处理厂 at 60% (23.3 points behind: yellow),
    城关保障房 at 50% (33.3 behind: red), 营盘公路改建 at 90% (ahead)."""
    rows = [
        (1, "城关污水处理厂", "县住建局", 600),
        (2, "城关保障房", "县住建局", 500),
        (3, "营盘公路改建", "营盘镇", 900),
    ]
    load(
        {
            "项目台账": [HEADERS] + [
                [code(s, 2026), name, unit, "县重点", "新建", 5000, 2026, 1000, "交通",
                 "2026-01-05"] for s, name, unit, _ in rows
            ],
            "月度投资": [REPORT_HEADERS] + [
                [code(s, 2026), 2026, m, done // 10] for s, _, _, done in rows
                for m in range(1, 11)
            ],
        }
    )  # fmt: skip


def shot(page, width: str, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{width}-{step}.png"), full_page=True)


def counts(page) -> dict[str, str]:
    """The dashboard's 红色预警N个 / 黄色预警M个."""
    page.goto(f"/?{PERIOD}")
    marks = page.locator("section .level-links .warn-mark")
    return {text[1]: text[1:] for text in marks.all_text_contents()}


def board_marks(page) -> dict[str, str]:
    """{project: its mark and reasons} on the board."""
    page.goto(f"/board/?{PERIOD}")
    marks = {}
    for row in page.locator(".board tbody tr").all():
        name = row.locator("td.name")
        mark = name.locator(".warn-mark")
        key = name.inner_text().splitlines()[0].strip()
        marks[key] = (mark.text_content() or "").lstrip("●") if mark.count() else ""
    return marks


def rule_inputs(page, indicator: str):
    row = page.locator("table.rules tbody tr", has_text=indicator)
    return row.locator("input.threshold").nth(0), row.locator("input.threshold").nth(1)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_lowers_a_red_threshold_and_every_page_follows(tab, cast, width):
    a_county()
    page = tab.page
    page.set_viewport_size(WIDTHS[width])
    sign_in(tab, cast.officer)

    assert counts(page) == {"红": "红色预警1个", "黄": "黄色预警1个"}
    shot(page, width, "1-dashboard")
    assert board_marks(page) == {
        "城关污水处理厂": "黄色预警", "城关保障房": "红色预警", "营盘公路改建": "",
    }  # fmt: skip
    assert page.locator(".board td.name .warn-reasons").first.inner_text() == "投资滞后"
    shot(page, width, "2-board")

    # The office opens 预警规则 from the menu and lowers the red threshold of 投资滞后.
    page.click("nav >> text=年度设置")
    page.click(".subnav >> text=预警规则")
    page.wait_for_url("**/settings/warnings/**")
    page.select_option("#rules-year", "2026")
    page.click("form.period button")
    yellow, red = rule_inputs(page, "投资滞后")
    assert (yellow.input_value(), red.input_value()) == ("10", "30")
    shot(page, width, "3-rules")
    red.fill("15")
    page.click("text=保存2026年预警规则")
    assert "2026年预警规则已保存" in page.locator(".messages").inner_text()
    assert "红色阈值：30 → 15" in page.locator("section:has-text('修改记录')").inner_text()
    shot(page, width, "4-rules-saved")

    assert counts(page) == {"红": "红色预警2个", "黄": "黄色预警0个"}
    assert board_marks(page) == {
        "城关污水处理厂": "红色预警", "城关保障房": "红色预警", "营盘公路改建": "",
    }  # fmt: skip
    page.goto(f"/warnings/?{PERIOD}")
    assert page.locator(".level-counts").inner_text().count("红色预警2个") == 1
    shot(page, width, "5-lag-list")
    page.click(".level-counts >> text=红色预警2个")
    expect(page.locator("table tbody tr")).to_have_count(2)

    # Opened again and saved as it is: nothing changes, no history.
    page.goto("/settings/warnings/?year=2026")
    page.click("text=保存2026年预警规则")
    assert "预警规则没有改动，未保存新版本。" in page.locator(".messages").inner_text()
    rule = WarningRule.objects.get(year=2026)
    assert (rule.yellow, rule.red, rule.version) == (10, 15, 1)
    assert WarningRule.history.count() == 1

    # A yellow above the red: refused in Chinese, nothing saved, what was typed kept.
    yellow, red = rule_inputs(page, "投资滞后")
    yellow.fill("20")
    page.click("text=保存2026年预警规则")
    error = page.locator("[role=alert]").inner_text()
    assert "投资滞后的黄色阈值（20个百分点）不能大于红色阈值（15个百分点）。" in error
    assert rule_inputs(page, "投资滞后")[0].input_value() == "20"
    shot(page, width, "6-rules-refused")
    rule.refresh_from_db()
    assert (rule.yellow, rule.version) == (10, 1)

    # Corrected, it saves.
    rule_inputs(page, "投资滞后")[0].fill("12")
    page.click("text=保存2026年预警规则")
    assert "2026年预警规则已保存" in page.locator(".messages").inner_text()
    rule.refresh_from_db()
    assert (rule.yellow, rule.red, rule.version) == (12, 15, 2)
    assert tab.problems == []
