"""挂图作战 as the office reads it in Chromium: at an office's 1280 px the board stays inside its
card (twelve month columns beside the project's name, its unit, leader, level and plan, the
name wrapping rather than pushing the table past the card's edge), and on a 390 px phone the
page does not scroll sideways (the table scrolls within its card). On the demo county."""

from projects.models import User
from tests.browser.conftest import PHONE, WIDE, look, sign_in

OUTSIDE_THE_CARD = """card => {
  const box = card.getBoundingClientRect();
  return [...card.querySelectorAll('th, td')]
    .filter(cell => cell.getBoundingClientRect().right > box.right + 1).length;
}"""


def test_the_board_stays_inside_its_card_at_1280_and_on_a_phone(tab, demo_county):
    sign_in(tab, User.objects.get(username="office"))
    page = tab.page
    page.set_viewport_size(WIDE)

    page.goto("/board/?year=2025&month=12")  # a whole year: twelve month columns

    card = page.locator("section.card.board")
    assert page.locator("section.card.board th.month").count() == 12
    assert card.evaluate(OUTSIDE_THE_CARD) == 0
    assert card.evaluate("card => card.scrollWidth <= card.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    page.screenshot(path="/tmp/walkfix-shots/board-1280.png", full_page=False)
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/walkfix-shots/board-390.png", full_page=False)
    look(page, "board")
    assert tab.problems == []
