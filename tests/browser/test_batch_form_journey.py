"""A new 期次 takes its year and quarter from its name: the office types “2026年第三期” and
saves (the walk-through found it had to type 2026 and pick 三季度 as well, or the browser
stopped it); a name that says neither asks for them in Chinese; opened again and saved as
shown, nothing changes."""

import time_machine

from batches.models import Batch
from tests.browser.conftest import look, sign_in


def saved(page) -> str:
    return page.locator(".messages .success").inner_text()


def test_the_office_names_a_batch_and_its_year_and_quarter_follow(tab, cast):
    page = tab.page
    with time_machine.travel("2026-11-20 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto("/batches/new/")
        page.fill("input[name=name]", "2026年第三期")
        look(page, "batch-form-new")
        page.click("button.primary")
        assert saved(page) == "期次“2026年第三期”已保存。"
        batch = Batch.objects.get(name="2026年第三期")
        assert (batch.year, batch.quarter) == (2026, 3)
        assert "2026年三季度" in page.locator("h1").inner_text()

        page.goto("/batches/new/")
        page.fill("input[name=name]", "省重点项目集中签约专场")
        page.click("button.primary")
        errors = page.locator("main form .error").all_inner_texts()
        assert "请填写年度：期次名称没有写明（如“2026年第二期”）。" in errors
        assert "请填写季度：期次名称没有写明（如“2026年第二期”）。" in errors
        assert not Batch.objects.filter(name="省重点项目集中签约专场").exists()
        page.fill("input[name=year]", "2026")
        page.select_option("select[name=quarter]", "4")
        page.click("button.primary")
        assert saved(page) == "期次“省重点项目集中签约专场”已保存。"
        special = Batch.objects.get(name="省重点项目集中签约专场")
        assert (special.year, special.quarter) == (2026, 4)

        for _ in range(2):  # opened again and saved as shown: nothing changes
            page.click("[data-action='batch.edit']")
            assert page.locator("input[name=year]").input_value() == "2026"
            page.click("button.primary")
            assert saved(page) == "期次“省重点项目集中签约专场”没有改动，未保存新版本。"
        special.refresh_from_db()
        assert (special.version, special.year, special.quarter) == (1, 2026, 4)
