"""The office's month in a browser: return a whole unit with one reason and stay at that unit,
copy the 催报 message, lock with the missing units named, unlock with a reason that the unit's
reporter reads on 我的待办 (on a phone) — and the same a second time."""

from decimal import Decimal
from typing import Any

from playwright.sync_api import expect

from investment.models import MonthlyReport
from investment.services import reports as services
from projects.models import AnnualPlan, Unit
from tests.browser.conftest import sign_in
from tests.workbooks import a_small_county

REVIEW = "/review/2024/3/"


def a_county_with_march_half_sent(cast) -> dict:
    """县住建局 sent both its March reports; 营盘镇 sent nothing."""
    a_small_county()
    housing = Unit.objects.get(name="县住建局")
    people: dict[str, Any] = {
        "housing": housing,
        "reporter": cast.reporter,
        "township": cast.other_reporter,
        "officer": cast.officer,
    }
    for plan in AnnualPlan.objects.filter(project__unit=housing):
        report = services.report_save(
            plan=plan, month=3, user=people["reporter"], amount=Decimal(50), progress="主体施工"
        )
        services.report_submit(report=report, user=people["reporter"])
    return people


def lock_with_the_missing_units_named(page, *names: str) -> None:
    page.click("text=锁定2024年3月…")
    page.wait_for_url("**/review/2024/3/lock/")
    listed = page.locator(".lock-confirm table").inner_text()
    for name in names:
        assert name in listed, (name, listed)
    assert f"还有{len(names)}个单位未报齐" in page.locator(".lock-confirm").inner_text()
    page.click(f"button:has-text('确认锁定（{len(names)}个单位未报齐）')")
    page.wait_for_url(f"**{REVIEW}")
    assert "本月已锁定" in page.locator("#period").inner_text()


def unlock_with(page, reason: str) -> None:
    page.fill("#unlock-reason", reason)
    page.click("button:has-text('解锁2024年3月')")
    page.wait_for_url(f"**{REVIEW}")
    assert "2024年3月已解锁" in page.locator("ul.messages").inner_text()
    assert f"原因：{reason}" in page.locator("#period").inner_text()


def reporter_reads_on_a_phone(tab, user, reason: str) -> None:
    sign_in(tab, user)
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    todo = page.locator("section.todo").inner_text()
    assert f"2024年3月已解锁：{reason}" in todo, todo
    page.click(f"text=2024年3月已解锁：{reason}")
    page.wait_for_url("**/reports/2024/3/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_office_returns_a_unit_locks_and_unlocks_twice(tab, cast):
    people = a_county_with_march_half_sent(cast)
    housing = people["housing"].pk
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(tab, people["officer"])

    # 催报: one click copies the message naming the unit that has not reported
    page.goto(REVIEW)
    page.click("button[data-copy=reminder]")
    # the clipboard answers asynchronously: wait for the status line rather than read it at once
    expect(page.locator("[data-copy-status=reminder]")).to_contain_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "营盘镇（未报1个项目）联系人：王强 13900000002" in copied

    # 退回本单位: one reason for the whole unit, and the page comes back to that unit
    group = page.locator(f"#unit-{housing}")
    group.locator("summary:has-text('退回本单位')").click()
    group.locator(".unit-return input[name=reason]").fill(
        "3月完成投资与统计局数据不符，请核实后重报"
    )
    group.locator(".unit-return button").click()
    page.wait_for_url(f"**#unit-{housing}")
    assert "已退回县住建局3月的2份报表" in page.locator("ul.messages").inner_text()
    assert page.evaluate("window.scrollY") > 0  # not back at the top of the page
    heading = page.locator(f"#unit-{housing} .unit-head").bounding_box()
    height = page.viewport_size["height"]
    assert 0 <= heading["y"] <= height - heading["height"], heading  # the unit is in view
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {"returned"}

    # first pass: both units now owe March, and the confirmation names both
    lock_with_the_missing_units_named(page, "县住建局", "营盘镇")
    unlock_with(page, "县住建局更正3月数据")
    reporter_reads_on_a_phone(tab, people["reporter"], "县住建局更正3月数据")

    # 县住建局 corrects and sends again; 营盘镇 still owes its report
    for report in MonthlyReport.objects.all():
        services.report_save(
            plan=report.plan,
            month=3,
            user=people["reporter"],
            amount=Decimal(45),
            expected_version=report.version,
        )
        services.report_submit(report=report, user=people["reporter"])

    # second pass: lock again (only 营盘镇 named now), unlock again with another reason
    sign_in(tab, people["officer"])
    page.goto(REVIEW)
    lock_with_the_missing_units_named(page, "营盘镇")
    assert "县住建局" not in page.locator("#period").inner_text()
    unlock_with(page, "营盘镇补报3月数据")
    reporter_reads_on_a_phone(tab, people["township"], "营盘镇补报3月数据")
    assert tab.problems == []
