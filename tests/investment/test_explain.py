"""Explained scores: the rows behind every indicator reproduce the score, for every unit."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from investment.rules.periods import Period
from investment.selectors.explain import UnknownUnit, explain_unit
from investment.selectors.rankings import unit_ranking
from tests.investment.test_unit_ranking import JIA, YI, a_county
from tests.workbooks import code


def test_it_names_the_late_milestone_the_overdue_findings_and_the_late_report():
    a_county()

    explanation = explain_unit(Period.of(2024, 6), unit=JIA)

    late = [(m.name, m.on_time) for m in explanation.milestones]
    assert late == [("用地批复", True), ("施工许可", False)]
    assert [(f.name, f.on_time) for f in explanation.findings] == [
        ("征迁滞后", True),
        ("资金未到位", False),
        ("施工许可未办", False),
    ]
    p2 = next(p for p in explanation.plans if p.code == code(2))
    assert p2.expected_months == [3, 4, 5, 6]
    assert p2.missing_or_late_months == [6]
    p3 = next(p for p in explanation.plans if p.code == code(3))
    assert p3.expected_months == []


def test_it_charges_i1s_lost_points_to_the_rows_behind_schedule_and_i2s_to_those_not_started():
    """县交通局 at June (序时 50%): 800 of 2,000 done, I1 = 0.8, 10 of 50 points lost. P3 (plan
    1,000, nothing done) is 500 behind and costs 25; P1 (600 of 1,000) and P2 (no plan, 200
    done) are ahead and give 5 + 10 back. P3 is the one row of three not started: 20 / 3."""
    a_county()

    explanation = explain_unit(Period.of(2024, 6), unit=JIA)

    lost = explanation.points_lost
    assert (lost[0], lost[1]) == (Decimal("10.00"), Decimal("6.67"))
    assert [(p.name, p.behind, p.i1_points) for p in explanation.behind_schedule] == [
        ("P3", Decimal("500"), Decimal("25.00"))
    ]
    assert explanation.given_back == Decimal("15.00")
    assert [(p.name, p.i2_points) for p in explanation.not_started] == [("P3", Decimal("6.67"))]


def test_a_shortfall_of_a_third_reads_to_the_fen_on_the_page_and_in_the_command(
    client, django_user_model
):
    """May's 序时 is 5/12: P3's 1,000 plan is 416.666… behind. People read 416.67 (walk-through:
    the page printed 9,775.3333 for the demo's 县工业固废综合利用项目)."""
    a_county()
    client.force_login(django_user_model.objects.create_user("office", role="officer"))

    page = client.get("/rankings/", {"year": 2024, "month": 5, "explain": JIA}).content.decode()
    out = StringIO()
    call_command("rankings", year=2024, month=5, explain=JIA, stdout=out)

    assert ">416.67</td>" in page and "416.6667" not in page
    assert f"{code(3)} P3 416.67 " in out.getvalue()


def test_a_unit_at_or_ahead_of_schedule_loses_no_investment_points_to_any_row():
    a_county()

    explanation = explain_unit(Period.of(2024, 6), unit=YI)  # 300 of 500: 60% against 50%

    assert explanation.points_lost[0] == 0
    assert explanation.behind_schedule == [] and explanation.given_back == 0


def test_the_rankings_page_and_command_list_the_rows_that_cost_points(client, django_user_model):
    a_county()
    client.force_login(django_user_model.objects.create_user("office", role="officer"))

    page = client.get("/rankings/", {"year": 2024, "month": 6, "explain": JIA}).content.decode()
    out = StringIO()
    call_command("rankings", year=2024, month=6, explain=JIA, stdout=out)

    assert "投资完成：扣10.00分" in page and "开复工：扣6.67分" in page
    assert "超过序时进度的项目抵回15.00分" in page
    assert "I1 扣10.00分" in out.getvalue()
    assert f"{code(3)} P3 500.00 25.00" in out.getvalue()
    assert "I2 扣6.67分" in out.getvalue()


@pytest.mark.parametrize(("year", "month"), [(2025, 6), (2026, 10)])
def test_the_explanation_reproduces_every_units_counts_in_the_demo_county(demo_county, year, month):
    # the demo county is seeded on 3 December 2026 (tests/conftest.py): October is due

    for score in unit_ranking(Period.of(year, month)).units:
        explanation = explain_unit(Period.of(year, month), unit=score.unit)
        plans, milestones, findings = (
            explanation.plans,
            explanation.milestones,
            explanation.findings,
        )
        assert len(plans) == score.projects
        assert sum(p.planned_investment for p in plans) == score.annual_plan
        assert sum(p.completed for p in plans) == score.completed
        assert (
            sum(p.actual_start is not None and bool(p.expected_months) for p in plans)
            == score.started
        )
        assert sum(len(p.expected_months) for p in plans) == score.reports_expected
        assert sum(len(p.on_time_months) for p in plans) == score.reports_on_time
        assert len(milestones) == score.milestones_due
        assert sum(m.on_time for m in milestones) == score.milestones_on_time
        assert len(findings) == score.findings_due
        assert sum(f.on_time for f in findings) == score.findings_on_time
        lost = explanation.points_lost  # each row's share, rounded to 0.01, adds up to the loss
        assert abs(sum(p.i1_points for p in plans) - lost[0]) <= Decimal("0.01") * len(plans)
        assert abs(sum(p.i2_points for p in plans) - lost[1]) <= Decimal("0.01") * len(plans)
        assert sum(not p.started for p in plans) == score.projects - score.started


def test_an_unranked_unit_is_a_clear_error():
    a_county()

    with pytest.raises(UnknownUnit, match="“县自然资源局”在2024年没有列入计划的项目"):
        explain_unit(Period.of(2024, 6), unit="县自然资源局")


def test_the_command_prints_the_breakdown(capsys):
    a_county()

    call_command("rankings", "--year", "2024", "--month", "6", "--explain", JIA)
    out = capsys.readouterr().out

    assert "县交通局：第4名，得分68.67" in out
    assert "I5 按时报送 权重5：9 / 10份" in out
    assert "施工许可 2024-05-01 2024-05-10 逾期" in out
    assert "6月" in out


def test_the_command_refuses_an_unknown_unit():
    a_county()

    with pytest.raises(CommandError, match="不参加排名"):
        call_command("rankings", "--year", "2024", "--month", "6", "--explain", "不存在的局")
