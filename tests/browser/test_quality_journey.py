"""Data quality in a real browser, as the people do it (issue 23): the reporter types an amount
ten times the project's usual month, sees the flag before 报送, writes a 说明 and sends; the
office presses 全部通过 and the flagged report stays for examination; the office marks it
已核实 and approves it; the leader's dashboard line changes. Then the same again, the reporter
correcting the amount instead of explaining it.

Screenshots of each step go to /tmp/quality/ (for people to look at; nothing is compared).
"""

from pathlib import Path

from investment.models import MonthlyReport, QualityFlag
from tests.browser.conftest import sign_in
from tests.quality_county import PHOENIX, ROAD, four_usual_months

SHOTS = Path("/tmp/quality")
Status = MonthlyReport.Status


def a_unit_with_four_months(cast) -> None:
    """县住建局's two projects, each with January–April at 450 万元 (approved, from the ledger)."""
    four_usual_months(planned=8000)


def row(page, name: str):
    return page.locator("tr.entry-line", has=page.locator(f"a:text-is('{name}')"))


def shot(page, step: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{step}.png"), full_page=True)


def type_month(page, month: int, phoenix: str) -> None:
    """The reporter fills the month (凤凰镇 as given, 道路 its usual 450) and presses 保存并报送."""
    page.goto(f"/reports/2024/{month}/")
    row(page, "凤凰镇安置社区配套").locator("input[name$=-amount]").fill(phoenix)
    row(page, "凤凰镇安置社区配套").locator("textarea[name$=-progress]").fill(f"{month}月主体施工")
    row(page, "城关道路改造").locator("input[name$=-amount]").fill("450")
    row(page, "城关道路改造").locator("textarea[name$=-progress]").fill(f"{month}月路基施工")
    page.locator("button[value=submit]").click()
    page.wait_for_selector(".messages")


def dashboard_line(tab, leader, month: int) -> str:
    sign_in(tab, leader)
    tab.page.goto(f"/?year=2024&month={month}")
    shot(tab.page, f"dashboard-{month}")
    return tab.page.locator(".quality-line").inner_text()


def office_presses_all_approve(tab, officer, month: int) -> str:
    sign_in(tab, officer)
    page = tab.page
    page.goto(f"/review/2024/{month}/")
    page.locator("button[name=scope][value=all]").click()
    page.wait_for_selector(".messages")
    return page.inner_text(".messages")


def test_a_flag_is_explained_examined_and_then_corrected_instead(tab, cast):
    a_unit_with_four_months(cast)
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())  # the month page's 报送 confirmation

    # 1. May: 4500 typed for a project whose months were 450. 保存并报送 shows the flag first.
    sign_in(tab, cast.reporter)
    type_month(page, 5, "4500")
    page.wait_for_url("**/reports/2024/5/send/**")
    confirm = page.inner_text("#send-confirm")
    assert "以下1条数据质量提示，报送前请核对" in confirm
    assert "本月完成4,500.00万元，是该项目此前12个月中位数450.00万元的10.0倍" in confirm
    assert set(MonthlyReport.objects.filter(month=5).values_list("status", flat=True)) == {
        Status.DRAFT
    }  # nothing sent yet
    shot(page, "1-flag-before-sending")

    # 2. It is right: the reporter writes a 说明 and sends.
    page.locator("textarea[name^=explain-]").fill("本月支付主体设备采购款，合同已上传")
    page.locator("#send-button").click()
    page.wait_for_url("**/reports/2024/5/**")
    assert "已报送2个项目的月报" in page.inner_text(".messages")
    flag = QualityFlag.objects.get()
    assert (flag.status, flag.explanation) == ("explained", "本月支付主体设备采购款，合同已上传")
    assert "本月完成异常偏高·已说明待核实" in row(page, "凤凰镇安置社区配套").inner_text()
    shot(page, "2-sent-with-explanation")

    # 3. 全部通过 approves the other report and leaves the flagged one, naming it.
    said = office_presses_all_approve(tab, cast.officer, 5)
    assert (
        "已审核通过1份报表。另有1份报表有尚未核实的数据质量提示，未通过：凤凰镇安置社区配套" in said
    )
    statuses = dict(
        MonthlyReport.objects.filter(month=5).values_list("plan__project__code", "status")
    )
    assert statuses == {PHOENIX: Status.SUBMITTED, ROAD: Status.APPROVED}
    flagged = page.locator(f"#report-{flag.report_id}")
    assert "说明：本月支付主体设备采购款，合同已上传" in flagged.inner_text()
    assert flagged.locator("button:text-is('通过')").count() == 0  # not offered before 已核实
    shot(page, "3-left-for-examination")

    # 4. The leader reads the line beside the completeness line.
    assert "数据质量提示1条，未核实1条" in dashboard_line(tab, cast.leader, 5)

    # 5. The office examines it (已核实, with a note), then approves it.
    sign_in(tab, cast.officer)
    page.goto("/review/2024/5/")
    form = page.locator(f"form[action$='/flags/{flag.pk}/accept/']")
    form.locator("input[name=note]").fill("已电话核实设备采购合同，属实")
    form.locator("button").click()
    page.wait_for_url(f"**#report-{flag.report_id}")
    assert "已核实" in page.inner_text(".messages")
    page.locator(f"#report-{flag.report_id} button:text-is('通过')").click()
    page.wait_for_selector(".messages")
    assert MonthlyReport.objects.get(pk=flag.report_id).status == Status.APPROVED
    shot(page, "4-examined-and-approved")

    assert "数据质量提示1条，未核实0条" in dashboard_line(tab, cast.leader, 5)

    # 6. June, the same slip; this time the reporter goes back and corrects the amount.
    sign_in(tab, cast.reporter)
    type_month(page, 6, "4500")
    page.wait_for_url("**/reports/2024/6/send/**")
    assert "是该项目此前12个月中位数450.00万元的10.0倍" in page.inner_text("#send-confirm")
    page.locator("a:text-is('返回修改')").first.click()
    page.wait_for_url("**/reports/2024/6/**")
    phoenix = row(page, "凤凰镇安置社区配套")
    assert "本月完成异常偏高·待说明" in phoenix.inner_text()  # the draft shows its flag
    phoenix.locator("input[name$=-amount]").fill("450")
    page.locator("button[value=submit]").click()
    page.wait_for_selector(".messages")
    assert "已报送2个项目的月报" in page.inner_text(".messages")  # no flag left: sent at once
    assert not QualityFlag.objects.filter(report__month=6).exists()
    shot(page, "5-corrected-and-sent")

    said = office_presses_all_approve(tab, cast.officer, 6)
    assert said.strip().startswith("已审核通过2份报表。") and "未通过" not in said
    assert "数据质量提示1条，未核实0条" in dashboard_line(tab, cast.leader, 6)
    assert tab.problems == []


def test_the_office_tunes_a_rule_and_reads_数据质量_on_a_phone_too(tab, cast):
    a_unit_with_four_months(cast)
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(tab, cast.reporter)
    type_month(page, 5, "2000")  # 4.4 × the median: no flag at k = 5
    assert "已报送2个项目的月报" in page.inner_text(".messages")

    # 数据质量规则, beside 预警规则: k from 5 to 4 flags May's 2,000 at once.
    sign_in(tab, cast.officer)
    page.goto("/settings/quality/?year=2024")
    assert page.locator(".subnav a[aria-current=page]").inner_text() == "数据质量规则"
    line = page.locator("#rule-month_outlier")
    line.locator("input[name$=-threshold]").fill("4")
    page.locator("button:has-text('保存2024年数据质量规则')").click()
    page.wait_for_selector(".messages")
    assert "该年度的月报已按新规则重新判定" in page.inner_text(".messages")
    assert "阈值：5 → 4" in page.inner_text("table.stacked >> nth=1")
    # saved again untouched: nothing written
    page.locator("button:has-text('保存2024年数据质量规则')").click()
    page.wait_for_selector(".messages")
    assert "没有改动" in page.inner_text(".messages")
    shot(page, "6-rules")

    # 数据质量: May's flag by unit and rule, linked to its report; on a phone as well.
    page.click("nav.nav a:text-is('数据质量')")
    page.goto("/quality/?year=2024&month=5")
    assert "4.4倍" in page.inner_text("#flags")
    assert "县住建局" in page.inner_text(".quality-by-unit")
    shot(page, "7-quality-page")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "8-quality-page-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#flags a:text-is('查看提示')")
    page.wait_for_url("**/quality/")
    assert "本月完成异常偏高·待说明" in page.inner_text("main, body")
    assert tab.problems == []
