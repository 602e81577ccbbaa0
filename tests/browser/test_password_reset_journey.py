"""A password reset of 县领导's account in a browser, as 三员 now work it (issue 22, item 1):

the system administrator asks for the reset and sees no password; 县领导 still signs in with the
old one; the security administrator confirms on 安全管理 and sees the one-time password once;
县领导 signs in with it and is sent to 修改密码 first. Then a second request: while one waits,
账号管理 no longer offers 申请重置密码, and a tab still showing the button is told who asked first.
"""

from projects.models import PasswordResetRequest
from tests.browser.conftest import WIDE, sign_in
from tests.browser.test_people_journey import change_forced_password, sign_in_by_form
from tests.cast import PASSWORD


def test_a_leaders_reset_is_asked_for_confirmed_and_changed_at_sign_in(tab, cast):
    page = tab.page
    page.set_viewport_size(WIDE)
    page.on("dialog", lambda dialog: dialog.accept())
    leader = cast.leader

    # The system administrator asks; the page shows no password and the request's state.
    sign_in(tab, cast.admin)
    page.goto("/people/?q=leader")
    page.click("button:text-is('申请重置密码')")
    assert "已申请重置leader（周县长）的密码，待安全管理员确认" in page.inner_text(".messages")
    assert page.locator("code.initial-password").count() == 0
    row = page.locator("tr", has_text="leader").inner_text()
    assert "重置密码：待安全管理员确认" in row and "申请重置密码" not in row

    # 县领导 still signs in with the old password.
    sign_in_by_form(page, "leader", PASSWORD)
    page.wait_for_url("**/")
    assert "总体情况" in page.inner_text("nav")

    # The security administrator sees the request, confirms, and gets the password once.
    sign_in(tab, cast.security)
    page.goto("/security/users/")
    request_row = page.locator("#password-resets tr", has_text="leader")
    assert "吴网管" in request_row.inner_text()
    request_row.locator("button:text-is('确认重置')").click()
    one_time = page.inner_text("code.initial-password")
    assert "只显示这一次" in page.inner_text("main")
    page.goto("/security/users/")
    assert "没有待确认的密码重置申请" in page.inner_text("#password-resets")

    # The old password no longer works; the one-time one does, and must be changed first.
    sign_in_by_form(page, "leader", PASSWORD)
    assert "/login/" in page.url
    sign_in_by_form(page, "leader", one_time)
    change_forced_password(page, one_time, "Xian#zhang2027")
    page.goto("/projects/")
    assert "/password/" not in page.url

    # Again: two tabs of the system administrator; one asks, the other still shows the button.
    sign_in(tab, cast.admin)
    other = page.context.new_page()
    page.goto("/people/?q=leader")
    other.goto("/people/?q=leader")
    page.click("button:text-is('申请重置密码')")
    assert page.locator("button:text-is('申请重置密码')").count() == 0  # not offered again
    other.on("dialog", lambda dialog: dialog.accept())
    other.click("button:text-is('申请重置密码')")
    refused = other.inner_text(".messages")
    assert "已有一项待安全管理员确认的密码重置申请（吴网管于" in refused
    assert "请等待安全管理员处理，或撤回后再申请" in refused
    assert PasswordResetRequest.objects.filter(status="pending").count() == 1

    # Withdrawn, the account keeps the password its owner chose.
    other.click("button:text-is('撤回')")
    assert "已撤回重置leader（周县长）密码的申请" in other.inner_text(".messages")
    leader.refresh_from_db()
    assert leader.check_password("Xian#zhang2027") and not leader.must_change_password
    assert tab.problems == []
