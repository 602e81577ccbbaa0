"""People and units in a browser, as the county works them (三员):

the system administrator creates an account; the security administrator gives it the reporter
role and a unit; the new reporter signs in, changes the initial password when forced and sees
only that unit's projects; the administrator asks for a reset of that password, the security
administrator confirms it, and the reporter signs in with the one-time password; the
administrator imports two reporters (a bad row first: nothing made; corrected: made); the
office merges a typo unit with a project and a finding into the right one.

With ``SHOTS=<folder>`` the pages are also photographed at 1280 and 390 px wide.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.services.people_import import HEADERS
from projects.models import Unit, User
from supervision.models import Finding
from supervision.services import finding_create
from tests.browser.conftest import WIDE, look, sign_in
from tests.builders import ledger
from tests.workbooks import code, xlsx


@pytest.fixture
def county(cast):
    ledger({"项目台账": [
        {"项目代码": code(1), "项目名称": "城关保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
        {"项目代码": code(2), "项目名称": "营盘公路改建", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
        {"项目代码": code(3), "项目名称": "老旧小区改造", "责任单位": "县住健局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 80, "年度": 2024, "年度计划投资(万元)": 40, "实际开(复)工日期": "2024-01-05"},
    ]})  # fmt: skip
    typo = Unit.objects.get(name="县住健局")
    finding_create(
        user=cast.supervisor, unit=typo, description="老旧小区围挡破损", found_on=date(2024, 3, 1),
        today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip
    return cast


def sign_in_by_form(page, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:text-is('登录')")


def change_forced_password(page, old: str, new: str) -> None:
    page.wait_for_url("**/password/")
    page.fill("#id_old_password", old)
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    page.click("button:text-is('修改密码')")


def test_an_account_from_creation_to_a_reporter_at_work(tab, county):
    page = tab.page
    page.set_viewport_size(WIDE)
    page.on("dialog", lambda dialog: dialog.accept())

    # The system administrator starts on 账号管理 and makes 赵敏's account.
    sign_in(tab, county.admin)
    page.goto("/")
    page.wait_for_url("**/people/")
    look(page, "people-list")
    page.click("a:text-is('新建账号')")
    page.fill("#id_username", "zhaomin")
    page.fill("#id_name", "赵敏")
    page.fill("#id_phone", "13900000021")
    look(page, "people-create")
    page.click("button:text-is('建立账号')")
    initial = page.inner_text("code.initial-password")
    assert "安全管理员" in page.inner_text("main")
    assert User.objects.get(username="zhaomin").role == User.Role.NONE

    # Signing in now, 赵敏 must change the password (one like the user name is refused) and
    # then waits for a role.
    sign_in_by_form(page, "zhaomin", initial)
    change_forced_password(page, initial, "Zhao#min2026")
    assert "密码跟 用户名 太相似了" in page.inner_text("main")
    change_forced_password(page, initial, "Qing#shan2026")
    assert "尚未授权" in page.inner_text("main")

    # The security administrator gives the account the reporter role and 县住建局: a first
    # role comes with a one-time password of the security administrator's, so the password
    # the system administrator once saw (and could have changed himself) stops working.
    sign_in(tab, county.security)
    page.goto("/security/users/")
    row = page.locator("tr", has_text="zhaomin")
    row.locator("select[name=role]").select_option(label="责任单位填报员")
    row.locator("input.unit-search").fill("住建")  # typed, as in a city's hundreds of units
    assert row.locator("select[name=unit]").input_value() == str(
        Unit.objects.get(name="县住建局").pk
    )
    row.locator("button:text-is('保存')").click()
    assert "已授予zhaomin" in page.inner_text("main")
    look(page, "security-first-role-password")
    one_time = page.inner_text("code.initial-password")

    # 赵敏's own password went with it: 赵敏 signs in with the one-time one and sets a new one,
    # then sees 县住建局's projects only.
    sign_in_by_form(page, "zhaomin", "Qing#shan2026")
    assert "用户名或密码不正确" in page.inner_text("main")
    sign_in_by_form(page, "zhaomin", one_time)
    change_forced_password(page, one_time, "Qing#shan2027")
    page.goto("/projects/?year=2024")
    register = page.inner_text("main")
    assert "城关保障房" in register and "营盘公路改建" not in register

    # 赵敏 forgot the password: the administrator asks for a reset (a confirmation first), the
    # security administrator confirms it and hands over the one-time password; the security
    # administrator's row offers no reset at all.
    sign_in(tab, county.admin)
    page.goto("/people/?q=zhaomin")
    page.click("button:text-is('申请重置密码')")
    assert "待安全管理员确认" in page.inner_text(".messages")
    page.goto("/people/?role=security")
    assert page.locator("button:text-is('重置密码'), button:text-is('申请重置密码')").count() == 0
    sign_in(tab, county.security)
    page.goto("/security/users/")
    page.locator("#password-resets tr", has_text="zhaomin").locator(
        "button:text-is('确认重置')"
    ).click()
    reset = page.inner_text("code.initial-password")
    sign_in_by_form(page, "zhaomin", reset)
    change_forced_password(page, reset, "Lu#jiang2027")
    page.goto("/projects/?year=2024")
    assert "城关保障房" in page.inner_text("main")


def test_the_administrator_imports_reporters_after_correcting_a_bad_row(tab, county, tmp_path):
    page = tab.page
    page.set_viewport_size(WIDE)
    bad, good = tmp_path / "填报员.xlsx", tmp_path / "填报员（改）.xlsx"
    first = ["qianyi", "钱一", "13900000031", "县住建局"]
    bad.write_bytes(xlsx({"填报员": [HEADERS, first, ["sunli", "孙丽", "", "营盘真"]]}))
    good.write_bytes(xlsx({"填报员": [HEADERS, first, ["sunli", "孙丽", "", "营盘镇"]]}))
    sign_in(tab, county.admin)
    page.goto("/people/")
    page.click("a:text-is('导入填报员')")

    page.set_input_files("input[name=file]", str(bad))
    page.click("button:text-is('上传并预览')")
    problems = page.inner_text("#problems")
    assert "填报员!3: 所属单位: 没有名为“营盘真”的责任单位（最接近的：营盘镇）" in problems
    assert "确认建立" not in page.inner_text("main")
    assert not User.objects.filter(username="qianyi").exists()

    page.set_input_files("input[name=file]", str(good))
    page.click("button:text-is('上传并预览')")
    assert "将建立2个账号" in page.inner_text("#preview")
    look(page, "people-import-preview")
    page.click("button:text-is('确认建立2个账号')")
    expect(page.locator("code.initial-password")).to_have_count(2)
    made = User.objects.filter(username__in=["qianyi", "sunli"])
    assert {(u.role, u.requested_unit.name) for u in made} == {
        (User.Role.NONE, "县住建局"), (User.Role.NONE, "营盘镇"),
    }  # fmt: skip

    # The security administrator grants what the sheet asked, one click each.
    sign_in(tab, county.security)
    page.goto("/security/users/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="sunli").locator("button:text-is('按申请授权')").click()
    assert "已授予sunli" in page.inner_text("main")
    expect(page.locator("code.initial-password")).to_have_count(1)  # handed to 孙丽 in person
    assert User.objects.get(username="sunli").unit.name == "营盘镇"


def test_the_office_merges_a_typo_unit_into_the_right_one(tab, county):
    page = tab.page
    page.set_viewport_size(WIDE)
    sign_in(tab, county.officer)
    page.goto("/units/")
    look(page, "units-list")
    page.locator("tr", has_text="县住健局").locator("a:text-is('合并到…')").click()
    page.select_option("select[name=target]", label="县住建局（名称相近）")
    page.click("button:text-is('查看将转移的内容')")
    counts = page.inner_text("#merge-confirm")
    assert re.search(r"项目\s+1", counts) and re.search(r"督查问题\s+1", counts)
    look(page, "units-merge")
    page.click("button:text-is('确认合并')")
    assert "“县住健局”并入“县住建局”" in page.inner_text(".messages")
    assert "县住健局" not in page.inner_text("table")

    page.goto("/projects/?year=2024&q=老旧小区")
    assert "县住建局" in page.locator("table").inner_text()
    finding = Finding.objects.get(description="老旧小区围挡破损")
    page.goto(f"/supervision/findings/{finding.pk}/")
    facts = page.inner_text("dl.facts")
    assert "县住建局" in facts and "县住健局" not in facts  # 督办记录 still says where it was given
