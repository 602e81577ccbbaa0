"""Fund clocks on the pages: the office records a dated 支出 entry and the light changes; the
list sorts, filters and exports by light; 资金支出预警规则 saved unchanged changes nothing, and
stale or invalid input is refused in Chinese."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from bonds.models import FundApplication, FundClockRule, FundSpending, FundType
from bonds.services import ClockRuleEntry, clock_rules_save, fund_save
from tests import builders

TODAY = date(2026, 4, 1)  # day 90 after 1 January


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def office(client, cast):
    client.force_login(cast.officer)
    return cast.officer


def applied(office, code: str, name: str, **values) -> FundApplication:
    project = builders.project(
        {"项目代码": code, "项目名称": name, "总投资(万元)": 5000}, listed=False
    )
    return fund_save(
        user=office, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
        requested=Decimal(100), allocated=Decimal(100), allocated_on=date(2026, 1, 1), **values,
    )  # fmt: skip


def entry(fund: FundApplication, **values) -> dict:
    fund.refresh_from_db()
    return {
        "version": fund.version,
        "spent_on": "2026-03-20",
        "amount": "30",
        "note": "工程款",
    } | values


LISTS_DAY = date(2026, 5, 6)  # April is due: the list, the dashboard and the page read 30 April


def test_the_office_records_a_spending_entry_and_the_light_turns_green(client, office):
    fund = applied(office, "ZJ-001", "老旧小区改造")
    with time_machine.travel(LISTS_DAY, tick=False):
        client.force_login(office)  # a session of another day has expired
        page = client.get(reverse("fund_detail", args=[fund.pk])).content.decode()
        assert "截至2026年4月末：" in page
        assert "●</span>黄灯" in page and "下达后119天，已支出0.0%" in page

        response = client.post(reverse("fund_spending_add", args=[fund.pk]), entry(fund))

        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert "已登记支出30.00万元（2026-03-20）" in page
    assert (
        "下达后119天，已支出30.0%" in page and "●</span>正常" in page and "●</span>黄灯" not in page
    )
    fund.refresh_from_db()
    assert (fund.spent, fund.spent_on) == (Decimal(30), date(2026, 3, 20))


def refused(client, fund, form) -> tuple[str, str]:
    """Post an entry; where the browser ends up (the application's own page, so a reload does
    not send it again) and the page it shows."""
    response = client.post(reverse("fund_spending_add", args=[fund.pk]), form, follow=True)
    (location, _status), *_ = response.redirect_chain
    return location, response.content.decode()


def test_a_bad_or_stale_entry_is_refused_in_chinese_and_nothing_is_written(client, office):
    fund = applied(office, "ZJ-001", "老旧小区改造")
    page_url = reverse("fund_detail", args=[fund.pk]) + "#spending"
    form = entry(fund)
    said = "支出日期（2025-12-01）不能早于下达日期（2026-01-01）"
    location, too_early = refused(client, fund, form | {"spent_on": "2025-12-01"})
    assert location == page_url
    assert too_early.count(said) == 1 and 'value="2025-12-01"' in too_early
    location, not_a_number = refused(client, fund, form | {"amount": "三十"})
    assert location == page_url
    assert not_a_number.count("请填写数字（万元）") == 1 and 'value="三十"' in not_a_number
    _, blank = refused(client, fund, form | {"amount": "", "spent_on": ""})
    assert blank.count("请填写支出日期") == 1 and blank.count("请填写支出金额（万元）") == 1
    # shown once: opened again, the page is the plain page
    assert said not in client.get(reverse("fund_detail", args=[fund.pk])).content.decode()
    client.post(reverse("fund_spending_add", args=[fund.pk]), form)  # the first tab

    _, stale = refused(client, fund, form)  # the second tab

    assert stale.count("该资金申报已被") == 1 and "未登记" in stale
    assert FundSpending.objects.count() == 1


def test_the_list_shows_sorts_filters_and_exports_the_lights(client, office):
    applied(office, "ZJ-001", "老旧小区改造")  # 0 % at 119 days: yellow
    applied(office, "ZJ-002", "污水管网", spent=Decimal(50), spent_on=date(2026, 2, 1))  # green
    url = reverse("fund_list")
    # The list reads the month that is due (as the dashboard): on 6 May, April, to 30 April.
    with time_machine.travel(date(2026, 5, 6), tick=False):
        client.force_login(office)  # a session of another day has expired

        yellow = client.get(url, {"light": "yellow"}).content.decode()
        lit = client.get(url, {"light": "lit"}).content.decode()
        green = client.get(url, {"light": "green"}).content.decode()
        by_light = client.get(url, {"sort": "-clock_light"}).content.decode()

        assert "老旧小区改造" in yellow and "污水管网" not in yellow
        assert "老旧小区改造" in lit and "污水管网" in green and "老旧小区改造" not in green
        assert by_light.index("老旧小区改造") < by_light.index("污水管网")
        sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))["资金申报"]
        rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        headers = [cell.value for cell in sheet[1]]
        light, days = headers.index("支出预警"), headers.index("下达后天数")
        assert (rows["ZJ-001"][light], rows["ZJ-001"][days]) == ("黄灯", 119)
        assert rows["ZJ-002"][light] == "正常"


URL = reverse("fund_clock_rules")


def rules_form(year: int = 2026, **changed) -> dict:
    """The page's form as shown for ``year`` (every rule at its default, version 0)."""
    data: dict[str, object] = {"year": year, "clock-TOTAL_FORMS": 6, "clock-INITIAL_FORMS": 6}
    for index, rule in enumerate(FundClockRule.for_year(year).values()):
        data |= {
            f"clock-{index}-fund_type": rule.fund_type, f"clock-{index}-version": rule.version if rule.pk else 0,
            f"clock-{index}-yellow_days": rule.yellow_days, f"clock-{index}-yellow_share": rule.yellow_share,
            f"clock-{index}-red_days": rule.red_days, f"clock-{index}-red_share": rule.red_share,
        }  # fmt: skip
    return data | changed


def test_the_rules_page_shows_the_defaults_beside_the_warning_rules(client, office):
    page = client.get(URL, {"year": 2026}).content.decode()
    assert "资金支出预警规则" in page and "默认规则，尚未修改" in page
    assert 'aria-current="page">资金支出预警' in page and "预警规则</a>" in page
    assert 'name="clock-0-yellow_days" value="90"' in page  # 专项债券 first
    assert 'name="clock-0-yellow_share" value="30"' in page


def test_saved_unchanged_nothing_is_written_and_a_change_is_kept_with_its_history(client, office):
    unchanged = client.post(URL + "?year=2026", rules_form(), follow=True).content.decode()
    assert "资金支出预警规则没有改动，未保存新版本。" in unchanged
    assert not FundClockRule.objects.exists() and not FundClockRule.history.exists()

    saved = client.post(URL + "?year=2026", rules_form(**{"clock-0-yellow_days": 60}), follow=True)

    assert "2026年资金支出预警规则已保存" in saved.content.decode()
    assert "黄灯天数：90 → 60" in saved.content.decode()
    assert list(FundClockRule.objects.values_list("fund_type", "yellow_days")) == [
        ("special_bond", 60)
    ]


@pytest.mark.parametrize(
    ("changed", "message"),
    [({"clock-0-yellow_days": 200}, "专项债券的黄灯天数（200天）不能大于红灯天数（180天）"),
     ({"clock-1-red_share": "120"}, "请填写0到100之间的数字，最多一位小数（如30或30.5）"),
     ({"clock-1-red_share": "59.95"}, "请填写0到100之间的数字，最多一位小数（如30或30.5）"),
     ({"clock-2-yellow_days": "九十"}, "请填写0到3650之间的整数天数"),
     ({"clock-2-yellow_days": ""}, "请填写0到3650之间的整数天数")],
)  # fmt: skip
def test_invalid_rules_are_refused_in_chinese_each_once_and_nothing_is_saved(
    client, office, changed, message
):
    page = client.post(URL + "?year=2026", rules_form(**changed)).content.decode()
    assert "未保存" in page and page.count(message) == 1
    assert not FundClockRule.objects.exists()


def test_a_share_edge_with_two_decimals_is_refused_by_the_service_too(office):
    """Shares are shown cut to one decimal: an edge of 59.95 % would let 59.97 % read 59.9 %
    beside a light that is not red."""
    entry = ClockRuleEntry(FundType.SPECIAL_BOND, 90, Decimal(30), 180, Decimal("59.95"))
    with pytest.raises(ValidationError) as refused:
        clock_rules_save(year=2026, user=office, rules=[entry])
    assert refused.value.messages == ["专项债券的红灯支出进度最多填写一位小数。"]
    assert not FundClockRule.objects.exists()


def test_a_form_older_than_another_officer_s_save_is_refused(client, office):
    shown = rules_form()
    client.post(URL + "?year=2026", rules_form(**{"clock-0-red_days": 150}))  # the other tab

    page = client.post(URL + "?year=2026", shown | {"clock-0-yellow_share": 25}).content.decode()

    assert "2026年“专项债券”资金支出预警规则刚被他人保存" in page or "已被" in page
    assert "重新打开本页" in page
    assert FundClockRule.objects.get().yellow_share == 30


def test_a_reporter_cannot_open_the_rules(client, cast):
    client.force_login(cast.reporter)
    assert client.get(URL).status_code == 403
