"""What a walk-through of the fund pages found (issue 25): a share spent is cut, never rounded
across a light's edge, the same on every page and in the export; 未下达 and 0.0% mean one thing
each; the 支出预警 column sorts the reddest and longest-waiting first; the dashboard's fund line
is dated and links to exactly the rows it counts."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from bonds.models import FundApplication, FundType
from bonds.services import fund_save, spending_record
from core.formatting import share_spent, share_value
from tests import builders
from tests.workbooks import code

TODAY = date(2026, 7, 10)  # June is due: the pages judge the clocks at 30 June
ALLOCATED = date(2026, 1, 1)  # 180 days before 30 June: red below 60 % for 专项债券


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def application(office, serial: int, *, spent: str | None, fund_type=FundType.SPECIAL_BOND,
                allocated: str | None = "10000", allocated_on=ALLOCATED) -> FundApplication:  # fmt: skip
    """项目{serial}'s application of 10,000万元; ``spent`` paid on 1 March (None: nothing)."""
    project = builders.project(
        {"项目代码": code(serial, 2026), "项目名称": f"项目{serial}", "年度": 2026}, serial=serial
    )
    fund = fund_save(
        user=office, project=project, fund_type=fund_type, year=2026, requested=Decimal(10000),
        allocated=None if allocated is None else Decimal(allocated),
        allocated_on=allocated_on if allocated else None,
    )  # fmt: skip
    if spent is not None:
        spending_record(
            user=office, application=fund, spent_on=date(2026, 3, 1), amount=Decimal(spent)
        )
    return fund


@pytest.mark.parametrize(
    ("rate", "shown"),
    [(Decimal("59.97"), "59.9%"), (Decimal("59.99999"), "59.9%"), (Decimal(60), "60.0%"),
     (Decimal("29.95"), "29.9%"), (Decimal(0), "0.0%"), (Decimal(100), "100.0%"), (None, "未下达")],
)  # fmt: skip
def test_a_share_is_cut_to_one_decimal_never_rounded_up(rate, shown):
    assert share_spent(rate) == shown


def test_59_97_percent_reads_59_9_beside_the_red_light_on_every_page(client, cast):
    fund = application(cast.officer, 1, spent="5997")  # 59.97 % at 180 days: red (below 60 %)
    client.force_login(cast.officer)

    listed = client.get(reverse("fund_list")).content.decode()
    row = listed[listed.index("项目1") :]
    row = row[: row.index("</tr>")]
    assert '<td class="num" data-label="支出进度">59.9%</td>' in row and "●</span>红灯" in row
    detail = client.get(reverse("fund_detail", args=[fund.pk])).content.decode()
    clock = detail[detail.index('id="clock"') :]
    clock = clock[: clock.index("</dd>")]
    assert "●</span>红灯" in clock and "下达后180天，已支出59.9%" in clock
    assert "<dt>累计支出进度</dt><dd>59.9%</dd>" in detail
    project = client.get(reverse("project_detail", args=[fund.project_id])).content.decode()
    assert '<td class="num">59.9%</td>' in project and "●</span>红灯" in project
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "专项债券资金支出进度59.9%，1个项目亮灯（红灯1个、黄灯0个）" in dashboard
    assert "60.0%" not in listed + detail + project + dashboard
    sheet = load_workbook(io.BytesIO(client.get(reverse("fund_list"), {"format": "xlsx"}).content))[
        "资金申报"
    ]
    headers = [cell.value for cell in sheet[1]]
    (exported,) = sheet.iter_rows(min_row=2, values_only=True)
    assert exported[headers.index("支出进度(%)")] == pytest.approx(59.9)
    assert exported[headers.index("支出预警")] == "红灯"
    assert share_value(Decimal("59.97")) == Decimal("59.9")


def test_no_下达_reads_未下达_and_下达_with_nothing_spent_reads_0_0(client, cast):
    application(cast.officer, 1, spent=None, allocated=None)
    application(cast.officer, 2, spent=None)
    client.force_login(cast.officer)

    rows = {
        row.record.project.name: row.get_cell("clock_share")
        for row in client.get(reverse("fund_list")).context["table"].paginated_rows
    }

    assert rows == {"项目1": "未下达", "项目2": "0.0%"}


def test_sorted_by_支出预警_descending_the_reddest_and_longest_waiting_come_first(client, cast):
    application(cast.officer, 1, spent=None, allocated_on=date(2025, 12, 1))  # red, 211 days
    application(cast.officer, 2, spent=None)  # red, 180 days
    application(cast.officer, 3, spent=None, allocated_on=date(2026, 3, 1))  # yellow, 121 days
    application(cast.officer, 4, spent="8000")  # green
    application(cast.officer, 5, spent=None, allocated=None)  # 未下达
    client.force_login(cast.officer)

    def order(sort: str) -> list[str]:
        response = client.get(reverse("fund_list"), {"sort": sort})
        return [row.record.project.name for row in response.context["table"].paginated_rows]

    assert order("-clock_light") == ["项目1", "项目2", "项目3", "项目4", "项目5"]
    assert order("clock_light") == ["项目5", "项目4", "项目3", "项目2", "项目1"]


def test_the_dashboard_s_fund_line_is_dated_and_opens_the_rows_it_counts(client, cast):
    application(cast.officer, 1, spent=None)  # 专项债券, red
    application(cast.officer, 2, spent="8000")  # 专项债券, green
    application(cast.officer, 3, spent=None, fund_type=FundType.LOAN)  # 中长期贷款, yellow
    client.force_login(cast.officer)

    dashboard = client.get(reverse("dashboard")).content.decode()
    line = dashboard[dashboard.index('id="fund-clocks"') :]
    line = line[: line.index("</p>")]
    assert "支出预警截至2026年6月末：专项债券资金支出进度40.0%，1个项目亮灯" in line
    link = line[line.index('href="') + 6 : line.index('">亮灯的专项债券项目')].replace("&amp;", "&")

    listed = client.get(link)

    assert {row.record.project.name for row in listed.context["table"].paginated_rows} == {"项目1"}
    page = listed.content.decode()
    assert "共1项，涉及1个项目" in page and "支出预警截至2026年6月末" in page


def test_the_dashboard_offers_no_link_when_nothing_is_lit(client, cast):
    application(cast.officer, 1, spent="8000")
    client.force_login(cast.officer)

    dashboard = client.get(reverse("dashboard")).content.decode()

    assert "0个项目亮灯" in dashboard and "亮灯的专项债券项目" not in dashboard


def nav_current(page: str) -> list[str]:
    """The main menu's items marked as the page's own."""
    nav = page[page.index('aria-label="主导航"') : page.index("</nav>")]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in nav.split('aria-current="page"')[1:]]


def test_the_menu_marks_资金申报_on_its_pages_and_年度设置_on_the_clock_rules(client, cast):
    fund = application(cast.officer, 1, spent="100")
    client.force_login(cast.officer)

    for url in (reverse("fund_list"), reverse("fund_detail", args=[fund.pk]),
                reverse("fund_edit", args=[fund.pk]), reverse("fund_create")):  # fmt: skip
        assert nav_current(client.get(url).content.decode()) == ["资金申报"], url
    rules = client.get(reverse("fund_clock_rules")).content.decode()
    assert nav_current(rules) == ["年度设置"]
    assert 'aria-current="page">资金支出预警规则</a>' in rules  # the tab says the page's name


def test_删除支出_asks_first_and_a_second_click_is_told_it_is_gone(client, cast):
    fund = application(cast.officer, 1, spent="100")
    client.force_login(cast.officer)
    page = client.get(reverse("fund_detail", args=[fund.pk])).content.decode()
    assert 'data-confirm="删除2026年3月1日的这笔支出（100.00万元）？' in page
    assert "js/confirm.js" in page
    fund.refresh_from_db()
    (entry,) = fund.spendings.all()
    url = reverse("fund_spending_delete", args=[entry.pk])

    first = client.post(url, {"version": fund.version}, follow=True).content.decode()
    again = client.post(url, {"version": fund.version}, follow=True)

    assert "已删除2026-03-01的一笔支出（100.00万元）" in first
    assert again.redirect_chain[-1][0] == reverse("fund_detail", args=[fund.pk])
    assert "该支出明细已被删除" in again.content.decode()


@pytest.mark.parametrize(
    ("allocated", "allocated_on", "said"),
    [(None, None, "未下达，不计时"),
     ("100", None, "未填写下达日期，不计时；请在“编辑 / 登记进度”中填写"),
     ("100", date(2026, 7, 5), "下达日期（2026-07-05）在截至日之后，尚未计时")],
)  # fmt: skip
def test_an_application_without_a_clock_says_why_on_its_page(
    client, cast, allocated, allocated_on, said
):
    project = builders.project({"项目代码": code(1, 2026), "项目名称": "项目1", "年度": 2026})
    fund = fund_save(
        user=cast.officer, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
        requested=Decimal(100), allocated=None if allocated is None else Decimal(allocated),
        allocated_on=allocated_on,
    )  # fmt: skip
    client.force_login(cast.officer)

    page = client.get(reverse("fund_detail", args=[fund.pk])).content.decode()

    clock = page[page.index('id="clock"') :]
    assert f'截至2026年6月末：<span class="muted">{said}</span>' in clock[: clock.index("</dd>")]
