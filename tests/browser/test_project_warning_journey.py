"""A leader in a browser: from 滞后预警 to a lagging project's page, which says it is on the list
and why, and back for the next; and on a phone, the menu shows the page's own item whole, for
资金申报 and for 简报 further along (it was cut to "资金申…" at the edge)."""

import os
from datetime import date
from pathlib import Path

import time_machine
from django.urls import reverse

from projects.models import Project
from tests.browser.conftest import PHONE, sign_in
from tests.workbooks import PROJECT_HEADERS, code, load

SHOTS = os.environ.get("SHOTS", "")


def a_county_with_two_late_starts() -> None:
    load({"项目台账": [PROJECT_HEADERS,
        [code(1, 2026), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 100, None],
        [code(2, 2026), "营盘公路改建", "营盘镇", "县重点", "新建", 1000, 2026, 100, None],
    ]})  # fmt: skip
    Project.objects.update(planned_start=date(2026, 6, 1))


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png")


def test_a_leader_sees_why_each_lagging_project_is_on_the_list(tab, cast):
    a_county_with_two_late_starts()
    page = tab.page
    with time_machine.travel("2026-12-07 10:00+08:00", tick=True):
        sign_in(tab, cast.leader)
        for project in Project.objects.order_by("code"):
            name = project.name
            page.goto("/warnings/")
            assert page.locator("tbody tr", has_text=name).count() == 1
            page.goto(reverse("project_detail", args=[project.pk]))
            page.wait_for_selector("#lag")
            assert page.locator("h1").inner_text() == name
            lag = page.locator("#lag").inner_text()
            assert "红色预警" in lag
            assert "未按期开工（红色）：计划2026年6月1日开工，至11月底未开工（已5个月）" in lag
            assert page.locator("p.muted").first.inner_text() == f"项目库 › {name}"
        shot(page, "project-warning-1280")
    assert tab.problems == []


def test_on_a_phone_the_menu_shows_the_current_item_whole(tab, cast):
    page = tab.page
    page.set_viewport_size(PHONE)
    sign_in(tab, cast.leader)
    for path, item in (("/funds/", "资金申报"), ("/briefing/", "简报")):
        page.goto(path)
        page.wait_for_load_state("load")
        current = page.locator('nav.nav a[aria-current="page"]')
        assert current.inner_text() == item
        page.wait_for_function(
            """() => {
                const nav = document.querySelector("nav.nav").getBoundingClientRect();
                const a = document.querySelector('nav.nav a[aria-current="page"]')
                    .getBoundingClientRect();
                return a.left >= nav.left - 0.5 && a.right <= nav.right + 0.5;
            }"""
        )
        shot(page, f"nav-{item}-390")
    assert tab.problems == []
