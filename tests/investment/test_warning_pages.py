"""The 预警规则 page, and the level marks on the lag list, the board, the dashboard, 我的待办."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from investment.models import WarningRule
from investment.rules.periods import Period
from investment.services.year_settings import settings_years
from projects.models import Unit
from tests.investment.test_warning_rules import county, monthly, project
from tests.workbooks import code, read_back

PERIOD = {"year": 2024, "month": 6}
JULY_10 = "2024-07-10 09:00+08:00"  # June is the period that is due


@pytest.fixture
def behind():
    """At June: 1 is 12 points behind (yellow), 2 is 35 behind (red), 3 on schedule."""
    county(
        project(1, started="2024-01-10"),
        project(2, started="2024-01-10"),
        project(3, started="2024-01-10"),
        reports=[
            *monthly(1, 380, range(1, 7)),
            *monthly(2, 150, range(1, 7)),
            *monthly(3, 500, range(1, 7)),
        ],  # fmt: skip
    )


def form(year=2024, **changed) -> dict:
    """The rules page's form as the office posts it, from what the page showed."""
    data = {"year": year, "rule-TOTAL_FORMS": 5, "rule-INITIAL_FORMS": 5,
            "rule-MIN_NUM_FORMS": 5, "rule-MAX_NUM_FORMS": 5}  # fmt: skip
    rules = WarningRule.for_year(year)
    for i, rule in enumerate(rules.values()):
        values = {
            "indicator": rule.indicator,
            "version": rule.version if rule.pk else 0,
            "enabled": rule.enabled,
            "yellow": rule.yellow_text,
            "red": rule.red_text,
        }
        values |= changed.get(rule.indicator, {})  # fmt: skip
        data |= {f"rule-{i}-{k}": v for k, v in values.items() if k != "enabled" or v}
    return data


def page(client, name, **query) -> str:
    with time_machine.travel(JULY_10):
        return client.get(reverse(name), query).content.decode()


def test_the_office_reads_the_rules_with_their_meaning_units_and_the_counts_now(
    client, cast, behind
):
    client.force_login(cast.officer)
    with time_machine.travel(JULY_10):
        text = client.get(reverse("warning_rules"), {"year": 2024}).content.decode()

    assert "预警规则" in text and "2024年（默认规则，尚未修改）" in text
    for words in ("未按期开工", "投资滞后", "未纳统", "节点逾期", "未报送", "个百分点", "天"):
        assert words in text
    assert '<input type="checkbox" name="rule-2-enabled"' in text  # 未纳统, unticked
    assert 'name="rule-2-enabled" id="id_rule-2-enabled" checked' not in text
    assert "默认不启用" in text
    assert "从计划开工的当月起为黄色，满3个月为红色" in text
    assert "超过10个百分点为黄色，超过30个百分点为红色" in text
    assert "一逾期即为黄色，超过30天为红色" in text
    assert "截至6月底" in text and "红色预警1个" in text and "黄色预警1个" in text


def test_saving_a_red_threshold_moves_the_marks_everywhere_at_once(client, cast, behind):
    client.force_login(cast.officer)
    assert "红色预警1个" in page(client, "dashboard", **PERIOD)

    with time_machine.travel(JULY_10):
        response = client.post(
            reverse("warning_rules") + "?year=2024", form(investment={"red": "10.5"})
        )
    assert response.status_code == 302

    assert "红色预警2个" in page(client, "dashboard", **PERIOD)
    assert "黄色预警0个" in page(client, "lag_warnings", **PERIOD)
    board = page(client, "board", **PERIOD)
    assert board.count("●</span>红色预警</span>") == 2 and "滞后10个百分点以内" in board
    text = page(client, "warning_rules", year=2024)
    assert "红色阈值：30 → 10.5" in text and "王科长" in text


def test_saving_the_rules_as_shown_writes_nothing(client, cast, behind):
    client.force_login(cast.officer)
    with time_machine.travel(JULY_10):
        response = client.post(reverse("warning_rules") + "?year=2024", form(), follow=True)

    assert "预警规则没有改动，未保存新版本。" in response.content.decode()
    assert not WarningRule.objects.exists() and not WarningRule.history.exists()


def test_a_yellow_threshold_above_the_red_is_refused_in_chinese_with_what_was_typed(
    client, cast, behind
):
    client.force_login(cast.officer)
    with time_machine.travel(JULY_10):
        response = client.post(
            reverse("warning_rules") + "?year=2024", form(milestone={"yellow": "40"})
        )

    text = response.content.decode()
    assert response.status_code == 200
    assert "节点逾期的黄色阈值（40天）不能大于红色阈值（30天）。" in text
    assert 'name="rule-3-yellow" value="40"' in text  # what was typed stays
    assert not WarningRule.objects.exists()


def test_a_threshold_that_is_not_a_number_is_refused(client, cast, behind):
    client.force_login(cast.officer)
    response = client.post(reverse("warning_rules"), form(investment={"red": "三十"}))
    assert "阈值应填写数字" in response.content.decode()
    assert not WarningRule.objects.exists()


def test_the_rules_sit_beside_the_year_settings_for_the_office_only(client, cast):
    client.force_login(cast.officer)
    assert ">年度设置</a>" in page(client, "dashboard")
    assert "/settings/warnings/?year=2024" in page(client, "year_settings", year=2024)
    assert 'aria-current="page">预警规则</a>' in page(client, "warning_rules", year=2024)
    client.force_login(cast.leader)
    assert ">年度设置</a>" not in page(client, "dashboard")
    with time_machine.travel(JULY_10):
        assert client.get(reverse("warning_rules")).status_code == 403


def test_the_lag_list_shows_each_rows_level_filters_by_it_and_exports_it(client, cast, behind):
    client.force_login(cast.officer)

    text = page(client, "lag_warnings", **PERIOD)
    assert "预警等级" in text and "红色预警1个" in text and "黄色预警1个" in text
    red_only = page(client, "lag_warnings", **PERIOD, warning="red")
    assert "项目2" in red_only and "项目1" not in red_only
    assert "投资滞后（红色）" in red_only

    with time_machine.travel(JULY_10):
        sheet = read_back(client.get(reverse("lag_warnings"), {**PERIOD, "format": "xlsx"}).content)
    rows = sheet["滞后预警"]
    assert rows[0][7] == "预警等级"
    assert {row[0]: row[7] for row in rows[1:]} == {code(1): "黄色", code(2): "红色"}


def test_the_board_marks_a_lagging_row_with_its_level_and_reasons_as_text(client, cast, behind):
    client.force_login(cast.officer)
    text = page(client, "board", **PERIOD)

    assert text.count("●</span>红色预警</span>") == 1
    assert text.count("●</span>黄色预警</span>") == 1
    assert '<span class="warn-reasons">投资滞后</span>' in text


def test_my_todo_tells_the_office_the_red_rows_and_a_reporter_their_units(client, cast, behind):
    client.force_login(cast.officer)
    assert "6月红色预警项目" in page(client, "dashboard")
    client.force_login(cast.reporter_of(Unit.objects.get(name="县交通局")))
    text = page(client, "dashboard")
    assert "6月红色预警项目（本单位）" in text and "6月黄色预警项目（本单位）" in text


def test_the_briefing_and_the_notice_name_each_rows_level(behind):
    from investment.documents.briefing import briefing_data
    from investment.documents.notices import notice_content

    with time_machine.travel(JULY_10):
        data = briefing_data(Period.of(2024, 6))
        notice = notice_content(Period.of(2024, 6, today=date(2024, 7, 10)))
    assert [(w.progress.code, w.level) for w in data.lagging] == [
        (code(2), "red"), (code(1), "yellow"),
    ]  # fmt: skip
    assert [level.total for level in data.lagging_levels] == [1, 1]
    assert notice["lagging_levels"] == {"red": 1, "yellow": 1}
    assert notice["lagging"][0]["level_label"] == "红色"
    assert notice["lagging"][0]["reasons"][0].startswith("投资滞后（红色）：")


def test_the_two_settings_pages_offer_the_same_years(client, cast):
    client.force_login(cast.officer)
    years = [
        client.get(reverse(name)).context["years"] for name in ("year_settings", "warning_rules")
    ]

    assert list(years[0]) == list(years[1])
    assert settings_years(2020, 2026)[-1] == 2020  # the year asked for is always offered
