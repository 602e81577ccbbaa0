"""A record made today is not lost from 招商统计: the page opens at the month that is due
(October on 20 November), which does not count an activity held on 20 November; the page says
so, and its link opens the month that does count it (asked again as shown, the same). On the
way, the saved record's 成效 heading no longer sits flush under its facts."""

import re

import time_machine

from tests.browser.conftest import look, sign_in


def test_a_reporter_finds_the_activity_just_recorded_in_the_figures(tab, cast):
    page = tab.page
    with time_machine.travel("2026-11-20 10:00+08:00", tick=True):
        sign_in(tab, cast.reporter)  # 县住建局's
        page.goto("/promotion/new/")
        page.fill("input[name=held_on]", "2026-11-20")
        page.check("input[name=kind][value=visit]")
        page.check("input[name=led_by][value=department]")
        page.fill("input[name=counterpart]", "华秦新材料科技有限公司")
        page.click("main button[type=submit]")
        assert page.locator(".messages .success").inner_text() == "招商引资活动已保存。"
        # the record's 成效 heading stands apart from the facts above it (it sat flush under 更新时间)
        facts, heading = page.locator("dl.facts").bounding_box(), page.locator("h2").first
        assert heading.inner_text() == "成效"
        assert heading.bounding_box()["y"] - (facts["y"] + facts["height"]) >= 20

        page.click("nav >> text=招商引资")
        page.click(".subnav >> text=招商统计")
        assert "2026年10月" in page.locator("h1").inner_text()
        assert re.sub(r"\s+", "", page.locator("#promotion-figures").inner_text()).startswith(
            "外出招商0次"
        )
        later = page.locator("#later-activities").inner_text()
        assert later == (
            "2026年10月31日之后另有1条活动记录（最近一条2026年11月20日），不在本期统计内。"
            "查看2026年11月的统计"
        )
        look(page, "promotion-figures-later")

        page.click("#later-activities a")
        for _ in range(2):  # and asked again with the form as shown: the same
            assert "2026年11月" in page.locator("h1").inner_text()
            figures = re.sub(r"\s+", "", page.locator("#promotion-figures").inner_text())
            assert figures.startswith("外出招商1次")
            assert page.locator("#later-activities").count() == 0
            page.click("form.filters button[type=submit]")
        assert "kind=month&year=2026&month=11" in page.url
