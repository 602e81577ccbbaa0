"""What a walk-through of 招商引资 found, done in a browser as a unit and the office would:

- the record form shows 批次 and 人数 only for 接待客商 (a visit keeps neither, so it never
  drops what was typed); 县级领导 leading a visit needs the leader's name, refused in words until
  it is given; the record opened again and saved as shown changes nothing;
- a reporter's 责任单位 filter offers only their own unit, and on a phone the list is a block of
  labelled lines per record, not a table whose unit column wraps a character a line;
- 招商统计 and 简报 show only the period boxes the chosen kind needs, and 招商统计's 按单位
  table lists every unit (0 where none) with a 合计 equal to the county's figures."""

import re
from datetime import date

import time_machine

from projects.models import Unit
from promotion.models import Activity
from tests.browser.conftest import look, sign_in
from tests.promotion.helpers import reception
from tests.workbooks import a_small_county


def shown(page, name: str) -> bool:
    """Whether the page's first form (the record's, or the period boxes) shows field ``name``."""
    page.wait_for_load_state()  # the page's scripts have run
    return page.locator(f"main form >> nth=0 >> [name={name}]").is_visible()


def test_a_unit_records_a_leaders_visit_and_the_form_shows_what_each_kind_keeps(tab, cast):
    a_small_county()
    page = tab.page
    with time_machine.travel("2026-11-20 10:00+08:00", tick=True):
        sign_in(tab, cast.reporter)  # 县住建局's
        page.goto("/promotion/new/")
        page.check("input[name=kind][value=reception]")
        assert shown(page, "batches") and shown(page, "people")
        page.fill("input[name=batches]", "2")
        page.check("input[name=kind][value=visit]")
        assert not shown(page, "batches") and not shown(page, "people")  # a visit keeps neither

        page.fill("input[name=held_on]", "2026-10-15")
        page.check("input[name=led_by][value=leader]")
        page.fill("input[name=counterpart]", "华秦新材料科技有限公司")
        look(page, "promotion-form-visit")
        page.click("main button[type=submit]")
        assert (
            "县级领导带队请填写带队领导的姓名或职务。" in page.locator("main .error").inner_text()
        )
        assert not Activity.objects.exists()

        page.fill("input[name=leader]", "王副县长")  # corrected, and sent again
        page.click("main button[type=submit]")
        assert page.locator(".messages .success").inner_text() == "招商引资活动已保存。"
        recorded = Activity.objects.get()
        assert (recorded.leader, recorded.batches, recorded.people) == ("王副县长", None, None)

        page.click("[data-action='promotion.edit']")
        assert not shown(page, "batches")  # opened again as a visit
        page.click("main button[type=submit]")
        assert (
            page.locator(".messages .success").inner_text()
            == "招商引资活动没有改动，未保存新版本。"
        )
        recorded.refresh_from_db()
        assert (recorded.version, recorded.history.count()) == (1, 1)

        page.goto("/promotion/")
        options = page.locator("select[name=unit] option").all_inner_texts()
        assert options == ["全部单位", "县住建局"]
        # on a phone each record is a block of labelled lines: the unit reads on one line
        page.set_viewport_size({"width": 390, "height": 844})
        unit = page.locator("main table td[data-label='单位']").first
        assert unit.inner_text() == "县住建局"
        assert unit.bounding_box()["height"] < 40
        look(page, "promotion-list-reporter-phone")
    assert tab.problems == []


def test_the_office_reads_the_figures_of_a_quarter_with_every_unit_and_a_total(tab, cast):
    a_small_county()
    Unit.objects.create(name="县商务局", sort_order=99)
    reception(cast.officer, cast.township, date(2026, 8, 9), batches=2, people=18)
    page = tab.page
    with time_machine.travel("2026-11-20 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto("/promotion/figures/")
        assert [shown(page, n) for n in ("year", "month", "quarter", "start", "end")] == [
            True, True, False, False, False,
        ]  # fmt: skip
        page.select_option("select[name=kind]", "quarter")
        assert [shown(page, n) for n in ("year", "month", "quarter", "start", "end")] == [
            True, False, True, False, False,
        ]  # fmt: skip
        page.select_option("select[name=quarter]", "3")
        for _ in range(2):  # asked, then asked again as shown
            page.click("form.filters button[type=submit]")
            assert "2026年三季度" in page.locator("h1").inner_text()
            assert not shown(page, "month") and shown(page, "quarter")
        assert "kind=quarter&year=2026&quarter=3" in page.url  # no month or dates sent
        rows = page.locator("#by-unit tbody tr").all_inner_texts()
        assert [re.split(r"\s+", row.strip())[0] for row in rows] == [
            "县住建局", "营盘镇", "县商务局", "合计",
        ]  # fmt: skip
        assert re.split(r"\s+", rows[-1].strip())[5:7] == ["2", "18"]
        look(page, "promotion-figures-quarter")

        page.select_option("select[name=kind]", "range")
        assert [shown(page, n) for n in ("year", "month", "quarter", "start", "end")] == [
            False, False, False, True, True,
        ]  # fmt: skip

        page.goto("/briefing/")
        page.select_option("select[name=kind]", "year")
        assert not shown(page, "month") and not shown(page, "quarter")
        page.select_option("select[name=kind]", "quarter")
        assert shown(page, "quarter") and not shown(page, "month")
        look(page, "briefing-period-quarter")
    assert tab.problems == []
