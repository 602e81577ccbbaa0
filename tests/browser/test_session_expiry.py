"""A session that ends while a reporter types the month: the page warns before the idle limit,
and what was typed is kept in the tab and offered back after signing in again
(static/js/session-clock.js, static/js/drafts.js).

The session is dropped the way the server drops it: its row is deleted, as an expired one is.
"""

from decimal import Decimal

from django.contrib.sessions.models import Session

from investment.models import MonthlyReport
from investment.services.reports import report_save
from projects.models import AnnualPlan
from tests.browser.conftest import sign_in
from tests.browser.test_month_journey import a_unit_in_march, row
from tests.cast import PASSWORD
from tests.workbooks import code


def type_the_month(page) -> None:
    page.goto("/reports/2024/3/")
    sewage, housing = row(page, "城关污水处理厂"), row(page, "城关保障房")
    sewage.locator("input[name$=-amount]").fill("60.5")
    sewage.locator("textarea[name$=-progress]").fill("主体结构施工至四层")
    housing.locator("input[name$=-amount]").fill("25")


def save_after_the_session_ended(page) -> None:
    """The session goes mid-entry; 保存草稿 lands on the sign-in page, which says so."""
    Session.objects.all().delete()
    page.locator("button[value=save]").click()
    page.wait_for_url("**/login/?next=/reports/2024/3/")
    assert "登录已超时，刚才的内容没有保存" in page.inner_text(".draft-notice")


def sign_in_on_the_page(page, user) -> None:
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()


def save_after_the_session_ended_and_sign_in_again(page, reporter) -> None:
    save_after_the_session_ended(page)
    sign_in_on_the_page(page, reporter)
    page.wait_for_url("**/reports/2024/3/")


def drafts_in_the_tab(page) -> list[str]:
    return page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('kp-draft:'))")


def amounts() -> dict[str, Decimal]:
    return {
        r.plan.project.name: r.amount
        for r in MonthlyReport.objects.filter(month=3).select_related("plan__project")
    }


def test_typed_rows_are_offered_back_after_signing_in_again_and_saved(tab, cast):
    people = a_unit_in_march(cast)
    page = tab.page
    sign_in(tab, people["reporter"])
    type_the_month(page)

    save_after_the_session_ended_and_sign_in_again(page, people["reporter"])

    offer = page.locator(".draft-offer")
    assert "发现上次未提交的填写内容" in offer.inner_text()
    sewage, housing = row(page, "城关污水处理厂"), row(page, "城关保障房")
    assert sewage.locator("input[name$=-amount]").input_value() == ""  # nothing put in unasked
    offer.locator("[data-draft-restore]").click()
    assert "已恢复上次未提交的填写内容" in offer.inner_text()
    assert sewage.locator("input[name$=-amount]").input_value() == "60.5"
    assert sewage.locator("textarea[name$=-progress]").input_value() == "主体结构施工至四层"
    assert housing.locator("input[name$=-amount]").input_value() == "25"
    page.locator("button[value=save]").click()
    page.wait_for_selector(".messages")

    assert amounts() == {"城关污水处理厂": Decimal("60.5"), "城关保障房": Decimal(25)}
    saved = MonthlyReport.objects.get(plan__project__code=code(1), month=3)
    assert saved.progress == "主体结构施工至四层"
    page.reload()  # saved: the draft went with the save
    assert page.locator(".draft-offer").count() == 0
    assert tab.problems == []


def test_a_discarded_draft_leaves_the_servers_values(tab, cast):
    people = a_unit_in_march(cast)
    page = tab.page
    sign_in(tab, people["reporter"])
    type_the_month(page)

    save_after_the_session_ended_and_sign_in_again(page, people["reporter"])

    page.locator(".draft-offer [data-draft-discard]").click()
    assert page.locator(".draft-offer").count() == 0
    sewage = row(page, "城关污水处理厂")
    assert sewage.locator("input[name$=-amount]").input_value() == ""
    assert sewage.locator("textarea[name$=-progress]").input_value() == "主体结构施工至二层"
    page.reload()
    assert page.locator(".draft-offer").count() == 0
    assert amounts() == {}
    assert tab.problems == []


def test_a_row_someone_changed_meanwhile_is_not_restored_over_their_change(tab, cast):
    people = a_unit_in_march(cast)
    page = tab.page
    sign_in(tab, people["reporter"])
    type_the_month(page)
    # While the reporter is away, the office fills in 城关污水处理厂's month.
    plan = AnnualPlan.objects.get(project__code=code(1))
    report_save(plan=plan, month=3, user=people["office"], amount=Decimal(70), expected_version=0)

    save_after_the_session_ended_and_sign_in_again(page, people["reporter"])

    offer = page.locator(".draft-offer")
    assert "城关污水处理厂 · 本月完成投资(万元)：60.5" in offer.inner_text()
    sewage, housing = row(page, "城关污水处理厂"), row(page, "城关保障房")
    version = sewage.locator("input[name$=-version]").input_value()
    offer.locator("[data-draft-restore]").click()
    assert sewage.locator("input[name$=-amount]").input_value() == "70"  # the office's
    assert sewage.locator("input[name$=-version]").input_value() == version == "1"
    assert housing.locator("input[name$=-amount]").input_value() == "25"  # restored
    page.locator("button[value=save]").click()
    page.wait_for_selector(".messages")

    assert amounts() == {"城关污水处理厂": Decimal(70), "城关保障房": Decimal(25)}
    assert tab.problems == []


def test_someone_else_signing_in_on_the_same_browser_removes_the_draft(tab, cast):
    people = a_unit_in_march(cast)
    page = tab.page
    sign_in(tab, people["reporter"])
    type_the_month(page)
    save_after_the_session_ended(page)
    assert len(drafts_in_the_tab(page)) == 1

    sign_in_on_the_page(page, people["office"])  # a colleague at the same PC
    page.wait_for_url("**/reports/2024/3/")
    assert drafts_in_the_tab(page) == []

    page.locator("form[data-logout] button").click()
    page.goto("/reports/2024/3/")
    sign_in_on_the_page(page, people["reporter"])
    page.wait_for_url("**/reports/2024/3/")
    assert page.locator(".draft-offer").count() == 0
    assert tab.problems == []


def test_signing_out_removes_the_drafts(tab, cast):
    people = a_unit_in_march(cast)
    page = tab.page
    sign_in(tab, people["reporter"])
    type_the_month(page)
    assert len(drafts_in_the_tab(page)) == 1

    page.locator("form[data-logout] button").click()
    page.wait_for_url("**/login/")

    assert drafts_in_the_tab(page) == []
    assert page.locator(".draft-notice").count() == 0
    assert tab.problems == []


def test_a_finding_answer_sent_after_the_session_ended_comes_back_to_the_finding(tab, cast):
    """The answer posts to /findings/<id>/answer/, which takes no GET: the sign-in page brings
    the reporter back to the finding's page, where the typed answer is offered."""
    from datetime import date

    from supervision.services import finding_create

    finding = finding_create(
        user=cast.supervisor, unit=cast.housing, description="围挡破损",
        found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip
    page = tab.page
    sign_in(tab, cast.reporter)
    page.goto(f"/supervision/findings/{finding.pk}/")
    answer = page.locator("form[data-action='finding.answer'] textarea")
    answer.fill("已更换围挡并拍照")
    Session.objects.all().delete()
    page.locator("form[data-action='finding.answer'] button[type=submit]").click()
    page.wait_for_url(f"**/login/?next=/supervision/findings/{finding.pk}/")
    page.fill("#id_username", cast.reporter.username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/supervision/findings/{finding.pk}/")
    page.locator(".draft-offer [data-draft-restore]").click()
    assert answer.input_value() == "已更换围挡并拍照"
    assert tab.problems == []


def test_the_page_warns_before_the_idle_limit_and_keep_working_renews_the_session(
    tab, own_context, cast
):
    """The browser's clock is Playwright's: the 25 minutes before the warning pass in no time;
    the server's is real (it moves the session's expiry on)."""
    people = a_unit_in_march(cast)
    page = tab.page
    page.clock.install()
    sign_in(tab, people["reporter"])
    page.goto("/reports/2024/3/")
    session = Session.objects.get()
    first_expiry = session.expire_date

    bar = page.locator(".session-bar")
    page.clock.fast_forward("25:01")
    bar.wait_for()
    assert "后将因长时间未操作自动退出，未保存的填写内容会保留在本机浏览器中。" in bar.inner_text()
    bar.locator("button", has_text="继续工作").click()
    bar.wait_for(state="detached")
    assert Session.objects.get().expire_date > first_expiry  # the server moved it on

    # The session ends on the server (here: deleted); 继续工作 then says so.
    page.clock.fast_forward("25:01")
    bar.wait_for()
    Session.objects.all().delete()
    bar.locator("button", has_text="继续工作").click()
    page.locator(".session-bar.ended").wait_for()
    assert "登录已失效" in bar.inner_text()
    assert "重新登录后回到本页可以恢复" in bar.inner_text()
    bar.locator("a", has_text="重新登录").click()
    page.wait_for_url("**/login/?next=/reports/2024/3/")
    assert tab.problems == []


def test_at_the_idle_limit_the_page_says_the_session_has_ended(tab, own_context, cast):
    """The browser's clock is Playwright's: 25 minutes pass in no time."""
    page = tab.page
    page.clock.install()
    sign_in(tab, cast.reporter)
    page.goto("/reports/2024/3/")
    assert page.locator(".session-bar").count() == 0
    page.clock.fast_forward("24:50")
    assert page.locator(".session-bar").count() == 0
    page.clock.fast_forward("00:20")
    assert "后将因长时间未操作自动退出" in page.inner_text(".session-bar")
    page.clock.fast_forward("05:00")
    assert "已因长时间未操作自动退出登录" in page.inner_text(".session-bar.ended")
    assert tab.problems == []


def test_before_the_limit_after_sign_in_the_page_warns_without_offering_to_renew(
    tab, own_context, cast, settings
):
    """The 12-hour limit (here 10 minutes) comes before the idle one: no request moves it, so
    the bar offers no 继续工作."""
    settings.SESSION_ABSOLUTE_SECONDS = 600
    page = tab.page
    page.clock.install()
    sign_in(tab, cast.reporter)
    page.goto("/reports/2024/3/")
    page.clock.fast_forward("05:10")
    bar = page.locator(".session-bar")
    assert "登录时间即将到达上限" in bar.inner_text()
    assert bar.locator("button", has_text="继续工作").is_hidden()
    page.clock.fast_forward("05:00")
    assert "登录已到时限，已自动退出" in page.inner_text(".session-bar.ended")
    assert tab.problems == []
