"""The rankings, lag-warning and board pages draw what the selectors compute."""

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.filenames import filename_of
from projects.models import Unit
from tests.investment.test_unit_ranking import JIA, YI, a_county
from tests.workbooks import a_portfolio, load, read_back


def test_the_rankings_page_shows_scores_lists_and_an_explanation(client, cast):
    a_county()
    client.force_login(cast.officer)

    params = {"year": 2024, "month": 6, "kind": "quarter", "explain": JIA}
    page = client.get(reverse("rankings"), params).content.decode()

    assert "2024年第2季度（截至6月）责任单位考核排名" in page
    assert "68.67" in page and "100.00" in page
    assert "红榜" in page and "黑榜" in page
    assert "县交通局：第4名，得分68.67" in page
    assert "9 / 10 份月报" in page
    assert "节点逾期：" in page and "施工许可" in page


def test_the_lag_page_lists_reasons_and_filters_by_reason(client, monkeypatch, cast):
    a_county()
    client.force_login(cast.officer)
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2024, 7, 10)))

    page = client.get(reverse("lag_warnings"), {"year": 2024, "month": 6}).content.decode()
    assert "P1" in page  # 立项 planned 1 Dec 2023, still not done
    assert "1个节点逾期：立项（12-01）" in page

    page = client.get(
        reverse("lag_warnings"), {"year": 2024, "month": 6, "reason": "未报送"}
    ).content.decode()
    assert "没有滞后项目" in page


def test_the_board_colours_each_month_and_a_reporter_sees_their_unit_only(client, cast):
    a_county()
    client.force_login(cast.reporter_of(Unit.objects.get(name=YI)))

    page = client.get(reverse("board"), {"year": 2024, "month": 6}).content.decode()

    assert '<td class="name">Q1</td>' in page and ">P1</td>" not in page  # names, not token text
    assert page.count('<td class="cell green"') == 6  # 营盘镇's Q1 is ahead all half-year


def test_the_board_and_the_lag_list_export_the_same_rows_to_excel(client, cast):
    a_county()
    client.force_login(cast.officer)

    board_sheet = read_back(
        client.get(reverse("board"), {"year": 2024, "month": 6, "format": "xlsx"}).content
    )["挂图作战"]
    assert board_sheet[0][:5] == (
        "责任单位",
        "项目代码",
        "项目名称",
        "包抓领导",
        "年度计划投资(万元)",
    )
    assert len(board_sheet[0]) == 5 + 6
    assert len(board_sheet) == 1 + 6  # every plan row of 2024

    lag_sheet = read_back(
        client.get(reverse("lag_warnings"), {"year": 2024, "month": 6, "format": "xlsx"}).content
    )["滞后预警"]
    assert lag_sheet[0][-1] == "预警原因"
    assert any("节点逾期" in row[-1] for row in lag_sheet[1:])


def test_the_ranking_exports_to_excel_as_the_page_shows_it(client, cast):
    a_county()
    client.force_login(cast.officer)

    params = {"year": 2024, "month": 5, "kind": "quarter", "format": "xlsx"}
    response = client.get(reverse("rankings"), params)

    assert filename_of(response["Content-Disposition"]) == "2024年二季度考核排名.xlsx"
    sheet = read_back(response.content)["季度考核排名"]
    assert sheet[0][:3] == ("名次", "责任单位", "得分") and sheet[0][-1] == "榜单"
    jia = next(row for row in sheet[1:] if row[1] == JIA)
    assert (jia[0], float(jia[2])) == (4, 68.67)
    assert [row[0] for row in sheet[1:]] == list(range(1, len(sheet)))
    assert {row[-1] for row in sheet[1:]} >= {"红榜", "黑榜"}


def test_the_rankings_page_takes_monthly_quarterly_and_annual_periods(client, cast):
    a_county()
    client.force_login(cast.officer)

    def heading(**params) -> str:
        page = client.get(reverse("rankings"), {"year": 2024, **params}).content.decode()
        return page.split("<h1>")[1].split("</h1>")[0]

    assert heading(month=5, kind="month") == "2024年5月责任单位考核排名"
    assert heading(month=5, kind="quarter") == "2024年第2季度（截至6月）责任单位考核排名"
    assert heading(month=5, kind="year") == "2024年年度责任单位考核排名"
    # ?kind=annual, the page's own word before it took PeriodKind's: old bookmarks still work.
    assert heading(month=5, kind="annual") == "2024年年度责任单位考核排名"


def test_the_board_can_be_grouped_by_level(client, cast):
    a_county()
    client.force_login(cast.officer)

    page = client.get(
        reverse("board"), {"year": 2024, "month": 6, "group": "level"}
    ).content.decode()

    board = page.split("<table", 1)[1]  # not the header, whose random CSRF token may hold "Q1"
    assert board.index("P1") < board.index("Q1")  # 市重点 before 县重点


def test_the_dashboard_prints_the_seed_002_figures(client, cast):
    from tests.investment.test_portfolio_summary import zhongjiang_q1_ledger

    load(zhongjiang_q1_ledger())
    client.force_login(cast.officer)

    page = client.get(reverse("dashboard"), {"year": 2024, "month": 3}).content.decode()

    assert "占年度计划30.8%" in page
    assert "超序时进度5.8个百分点" in page
    assert "43.4%" in page and "27.0%" in page  # 省重点 43.36, 市重点 27.00 on a page's 1 decimal


def test_a_filter_without_a_period_shows_the_default_period_without_errors(client, cast):
    client.force_login(cast.officer)
    for name in ("dashboard", "lag_warnings", "board", "rankings"):
        page = client.get(reverse(name), {"unit": "1"}).content.decode()
        assert "必填项" not in page, name


def test_a_citys_board_and_lag_list_come_in_pages_and_export_whole(client, monkeypatch, cast):
    monkeypatch.setattr("investment.views.figures.ROWS_PER_PAGE", 5)
    load(a_portfolio(12, 2024))  # all twelve 40 points behind by June
    client.force_login(cast.officer)
    period = {"year": 2024, "month": 6}

    for name, total in (("board", "12个项目"), ("lag_warnings", "共12个")):
        first = client.get(reverse(name), period).content.decode()
        assert total in first  # the heading counts every row, not the page
        third = client.get(reverse(name), {**period, "page": 3}).content.decode()
        assert "第1/3页" in first and "下一页" in first
        assert "第3/3页" in third and "上一页" in third
        shown = [
            re.search(rf'<td class="name"[^>]*>项目{n}(</td>|<br>)', third) is not None
            for n in range(1, 13)
        ]
        assert sum(shown) == 2, name  # the last two of twelve, sorted by unit and code
        sheet = read_back(client.get(reverse(name), {**period, "format": "xlsx"}).content)
        assert len(next(iter(sheet.values()))) == 1 + 12


@pytest.mark.parametrize("group", ["unit", "level"])
def test_the_boards_pages_put_together_are_the_whole_board_in_order(
    client, monkeypatch, group, cast
):
    monkeypatch.setattr("investment.views.figures.ROWS_PER_PAGE", 4)
    load(a_portfolio(15, 2024))  # 7 units × 3 levels: blocks of one to three rows
    client.force_login(cast.officer)
    query = {"year": 2024, "month": 6, "group": group}

    paged = []
    for number in (1, 2, 3, 4):
        response = client.get(reverse("board"), {**query, "page": number})
        assert response.context["page"].paginator.num_pages == 4
        paged += [row.progress.code for row, _cells, _mark in response.context["rows"]]
    whole = read_back(client.get(reverse("board"), {**query, "format": "xlsx"}).content)

    assert paged == [row[1] for row in whole["挂图作战"][1:]]
    assert len(paged) == 15


def test_a_quarter_or_year_not_yet_due_is_not_ranked_as_if_it_were(client, cast):
    a_county()
    client.force_login(cast.officer)

    def heading(**params) -> str:
        with time_machine.travel("2024-12-02 09:00+08:00"):  # October is the period due
            page = client.get(reverse("rankings"), {"year": 2024, **params}).content.decode()
        return page.split("<h1>")[1].split("</h1>")[0]

    assert heading(month=10, kind="quarter") == "2024年第3季度（截至9月）责任单位考核排名"
    assert heading(month=10, kind="year") == (
        "2024年年度（截至10月，全年尚未结束）责任单位考核排名"
    )
    assert heading(month=5, kind="quarter") == "2024年第2季度（截至6月）责任单位考核排名"
