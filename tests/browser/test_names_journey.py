"""Names in a browser (issue 22, item 10): an account made with a full-width name signs in
typed in capitals; a user name that differs from an existing one only in case is refused on
账号管理 in Chinese; a unit name with a zero-width space is refused on 责任单位, naming the
unit it repeats."""

from projects.models import Unit, User
from tests.browser.conftest import sign_in

ZERO_WIDTH = "\u200b"


def sign_in_by_form(page, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:text-is('登录')")


def test_a_full_width_account_signs_in_in_capitals_and_a_case_twin_is_refused(tab, cast):
    page = tab.page
    cast.officer  # noqa: B018  # "office"

    # The system administrator types the user name in full-width letters.
    sign_in(tab, cast.admin)
    page.goto("/people/new/")
    page.fill("#id_username", "ｆｕｌｌ09")
    page.fill("#id_name", "全角")
    page.click("button:text-is('建立账号')")
    initial = page.inner_text("code.initial-password")
    assert "full09" in page.inner_text("main")
    assert User.objects.filter(username="full09").exists()

    # Its owner signs in typing FULL09 and is asked for a new password (first sign-in).
    sign_in_by_form(page, "FULL09", initial)
    page.wait_for_url("**/password/")
    assert "修改密码" in page.inner_text("main")

    # "Office" beside office: refused on the form, in Chinese, nothing made.
    sign_in(tab, cast.admin)
    page.goto("/people/new/")
    page.fill("#id_username", "Office")
    page.fill("#id_name", "王科长二")
    page.click("button:text-is('建立账号')")
    refusal = page.inner_text("form.form")
    assert "用户名“Office”已被使用：与已有账号“office”相同" in refusal
    assert "不区分大小写和全角、半角" in refusal
    assert User.objects.filter(username="office").count() == 1
    assert not User.objects.filter(first_name="王科长二").exists()
    assert not tab.problems


def test_a_zero_width_twin_of_a_unit_is_refused_naming_the_unit(tab, cast):
    page = tab.page
    Unit.objects.create(name="县住房和城乡建设局", kind=Unit.Kind.DEPARTMENT)

    sign_in(tab, cast.officer)
    page.goto("/units/new/")
    page.fill("#id_name", "县住房和城乡建设局" + ZERO_WIDTH)
    page.select_option("#id_kind", label="部门")
    page.click("form.form button[type=submit]")

    assert "与已有的责任单位“县住房和城乡建设局”相同" in page.inner_text("form.form")
    assert Unit.objects.count() == 1
    assert not tab.problems
