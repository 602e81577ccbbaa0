"""考核排名's explanation as the office and a unit's reporter read it: every lost point has its
rows — the projects furthest behind 序时 for 投资完成, those not started for 开复工 — at a desk
and on a phone; a reporter opens only their own unit's."""

from tests.browser.conftest import PHONE, look, sign_in
from tests.investment.test_unit_ranking import JIA, YI, a_county
from tests.workbooks import code


def test_the_office_sees_which_projects_cost_a_unit_its_points(tab, cast):
    a_county()
    page = tab.page
    sign_in(tab, cast.officer)

    page.goto("/rankings/?year=2024&month=6")
    page.locator("table a", has_text=JIA).first.click()
    page.wait_for_url("**explain=*")
    section = page.inner_text("#explain")

    assert "投资完成：扣10.00分" in section and "超过序时进度的项目抵回15.00分" in section
    behind = page.locator("table.explain-behind tbody tr")
    assert behind.count() == 1 and f"{code(3)} P3" in behind.inner_text()
    assert "25.00" in behind.inner_text()
    assert "开复工：扣6.67分" in section and "P3" in page.inner_text("ul.explain-not-started")
    look(page, "rankings-explain")

    # A unit ahead of 序时 loses no 投资完成 point, so no row is blamed for one.
    page.goto(f"/rankings/?year=2024&month=6&explain={YI}#explain")
    assert "投资完成：扣" not in page.inner_text("#explain")
    assert not tab.problems


def test_a_reporter_on_a_phone_opens_their_own_units_explanation_only(tab, cast):
    a_county()
    page = tab.page
    page.set_viewport_size(PHONE)
    from projects.models import Unit

    sign_in(tab, cast.reporter_of(Unit.objects.get(name=JIA)))

    page.goto("/rankings/?year=2024&month=6")
    assert page.locator("table a", has_text=YI).count() == 0  # another unit's: a figure only
    page.goto(f"/rankings/?year=2024&month=6&explain={YI}")
    assert page.locator("#explain").count() == 0
    page.goto(f"/rankings/?year=2024&month=6&explain={JIA}")
    assert "P3" in page.inner_text("table.explain-behind")
    look(page, "rankings-explain-reporter")
