"""The 总体情况 page: figures of the summary selector, behind a login."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.documents.briefing import briefing_data
from investment.rules.periods import Period
from tests.builders import ledger
from tests.workbooks import a_portfolio, code, load


def test_it_requires_a_login(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_portfolio_figures_of_the_chosen_month(client, cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县交通局", "项目级别": "省重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 400, "实际开(复)工日期": "2024-01-10"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "县交通局", "项目级别": "县重点", "建设性质": "续建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 600},
            ],
            "月度投资": [{"项目代码": code(1), "年度": 2024, "月份": 1, "本月完成投资(万元)": 100}, {"项目代码": code(1), "年度": 2024, "月份": 2, "本月完成投资(万元)": 80}],
        }
    )  # fmt: skip
    client.force_login(cast.officer)

    response = client.get(reverse("dashboard"), {"year": 2024, "month": 3})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2024年1–3月重点项目建设情况" in page
    assert "占年度计划18.0%" in page  # 180 of 1000
    assert "滞后序时进度7.0个百分点" in page
    assert "开复工率50.0%" in page
    assert "45.0%" in page  # the provincial row: 180 of 400


def test_a_bad_month_falls_back_to_the_default_with_a_message(client, cast):
    client.force_login(cast.officer)

    response = client.get(reverse("dashboard"), {"year": 2024, "month": 13})

    assert response.status_code == 200
    assert "月份应为1–12" in response.content.decode()


def test_the_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))

    assert "用户名" in response.content.decode()
    assert "密码" in response.content.decode()


def test_it_breaks_the_figures_down_by_unit_and_industry_and_counts_lagging_projects(client, cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县交通局", "项目级别": "省重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 400, "实际开(复)工日期": "2024-01-10"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "续建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 600},
            ],
            "月度投资": [{"项目代码": code(1), "年度": 2024, "月份": 1, "本月完成投资(万元)": 100}],
        }
    )  # fmt: skip
    client.force_login(cast.officer)

    page = client.get(reverse("dashboard"), {"year": 2024, "month": 3}).content.decode()

    assert "按责任单位" in page and "营盘镇" in page
    assert "25.0%" in page  # 县交通局: 100 of 400
    assert "滞后预警项目2个" in page


def test_units_on_the_same_rate_are_listed_by_name_as_the_briefing_lists_them(client, cast):
    """各责任单位投资完成率: equal rates in the order of the units' names, on the page and in the
    briefing alike (a database's GROUP BY gives its groups in no order of its own)."""
    # grouped with the levels too: 营盘镇's 县重点 row is the first group SQLite gives
    rows = [
        (1, "营盘镇", "县重点"),
        (2, "县交通局", "省重点"),
        (3, "城关镇", "省重点"),
        (4, "县住建局", "省重点"),
    ]
    ledger(
        {
            "项目台账": [
                {"项目代码": code(n), "项目名称": f"项目{n}", "责任单位": unit, "项目级别": level, "建设性质": "续建",
                 "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 400}
                for n, unit, level in rows
            ],
            "月度投资": [{"项目代码": code(2), "年度": 2024, "月份": 1, "本月完成投资(万元)": 100}],
        }
    )  # fmt: skip
    client.force_login(cast.officer)

    response = client.get(reverse("dashboard"), {"year": 2024, "month": 3})

    shown = [name for name, _ in response.context["by_unit"]]
    assert shown == ["县交通局", *sorted(["营盘镇", "城关镇", "县住建局"])]
    assert [name for name, _ in briefing_data(Period.of(2024, 3)).by_unit] == shown


def test_the_page_title_is_plain_text(client, cast):
    client.force_login(cast.officer)

    page = client.get(reverse("dashboard")).content.decode()

    assert "<title>总体情况 · 重点项目调度平台</title>" in page


def test_the_rows_are_judged_in_one_query_for_the_month_shown_and_the_todos(client, cast):
    """我的待办's red count is the period that is due's: whether the page shows that period or
    another month of its year, the rows are judged in one query for both."""
    load(a_portfolio(10, 2024))
    client.force_login(cast.officer)

    def judged(query: dict) -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("dashboard"), query)
        return sum('"lag_not_started_' in q["sql"] for q in queries.captured_queries)

    assert judged({}) == 1
    assert judged({"year": 2024, "month": 6}) == 1
