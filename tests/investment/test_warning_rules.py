"""预警规则: each default rule at its yellow and red edges (a frozen calendar), the defaults
giving exactly DESIGN.md §3's lag list, and what the office may and may not save."""

import dataclasses
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from investment import rules
from investment.models import MonthlyReport, WarningLevel, WarningRule
from investment.rules.periods import Period, report_deadline
from investment.selectors.progress import LagReason, board, lag_warnings
from investment.services.warning_rules import RuleEntry, rules_history, warning_rules_save
from projects.models import AnnualPlan, Milestone
from tests import builders
from tests.counties import DEMO_DAY
from tests.workbooks import REPORT_HEADERS, a_portfolio, code, load, split

YELLOW, RED = WarningLevel.YELLOW, WarningLevel.RED
Indicator = WarningRule.Indicator
AFTER_JUNE_DUE = timezone.make_aware(datetime(2024, 7, 6, 0, 0))  # 5 July is June's due day


def project(serial, *, plan=1000, planned=None, started=None, statistics=None) -> dict:
    return builders.project_row(
        serial,
        {"项目名称": f"项目{serial}", "责任单位": "县交通局", "总投资(万元)": 5000,
         "年度计划投资(万元)": plan, "行业类别": "交通", "计划开工日期": planned,
         "实际开(复)工日期": started, "纳统日期": statistics},
    )  # fmt: skip


def county(*projects, reports=(), milestones=()) -> None:
    sheets = {
        "项目台账": builders.sheet("项目台账", projects),
        "月度投资": [REPORT_HEADERS, *reports],
    }
    if milestones:
        sheets["项目节点"] = [["项目代码", "节点名称", "计划完成日期", "实际完成日期"], *milestones]
    load(sheets)


def monthly(serial: int, total, months) -> list[list]:
    months = list(months)
    parts = split(Decimal(total), len(months))
    return [[code(serial), 2024, m, part] for m, part in zip(months, parts, strict=True)]


def levels(month: int, reason: str, *, now=None, **kwargs) -> dict[str, str | None]:
    """{project code: the level ``reason`` reaches, None when it does not} at (2024, month)."""
    now = now or timezone.make_aware(datetime.combine(rules.period_end(2024, month), time(23)))
    found = {
        w.progress.code: {r.reason: r.level for r in w.reasons}
        for w in lag_warnings(Period.of(2024, month, today=timezone.localdate(now)), **kwargs)
    }
    codes = AnnualPlan.objects.values_list("project__code", flat=True)
    return {c: found.get(c, {}).get(reason) for c in codes}


def set_rule(indicator, *, enabled=True, yellow, red) -> None:
    WarningRule.objects.update_or_create(
        year=2024, indicator=indicator, defaults={"enabled": enabled, "yellow": yellow, "red": red}
    )


# --- each default rule at its edges ----------------------------------------------------


def test_not_started_is_yellow_from_the_planned_month_and_red_three_months_later():
    county(
        project(1, planned="2024-03-15"),
        project(2, planned="2024-03-31"),  # planned on March's last day: not before it
        project(3, planned="2024-03-30"),
        project(4, planned="2024-03-15", started="2024-03-31"),  # started on the last day
        project(5, planned="2024-03-15", started="2024-04-01"),  # started the day after
    )
    at = {m: levels(m, LagReason.NOT_STARTED) for m in (2, 3, 5, 6)}

    assert at[2][code(1)] is None  # planned after February's end
    assert [at[3][code(s)] for s in (1, 2, 3, 4, 5)] == [YELLOW, None, YELLOW, None, YELLOW]
    assert at[5][code(1)] == YELLOW  # two months after the planned month
    assert at[6][code(1)] == RED  # three months after
    assert at[6][code(2)] == RED and at[6][code(5)] is None


def test_investment_is_yellow_more_than_10_points_behind_and_red_more_than_30():
    county(
        *(project(s, started="2024-01-10") for s in range(1, 6)),
        reports=[
            *monthly(1, 400, range(1, 7)),  # 40%: exactly 10 behind June's 50
            *monthly(2, "399.9", range(1, 7)),  # 10.01 behind
            *monthly(3, 200, range(1, 7)),  # exactly 30 behind
            *monthly(4, "199.9", range(1, 7)),  # 30.01 behind
            *monthly(5, 500, range(1, 7)),  # on schedule
        ],
    )
    at_june = levels(6, LagReason.INVESTMENT)

    assert [at_june[code(s)] for s in range(1, 6)] == [None, YELLOW, YELLOW, RED, None]


def test_not_in_statistics_is_off_by_default_and_once_on_yellow_a_month_after_the_start():
    county(
        project(1, started="2024-04-10"),
        project(2, started="2024-04-10", statistics="2024-06-30"),  # 纳统 on June's last day
        project(3, started="2024-04-10", statistics="2024-07-01"),  # the day after
        reports=[r for s in (1, 2, 3) for r in monthly(s, 500, range(4, 7))],
    )
    assert set(levels(6, LagReason.NOT_IN_STATISTICS).values()) == {None}  # off

    set_rule(Indicator.NOT_IN_STATISTICS, yellow=1, red=2)
    at = {m: levels(m, LagReason.NOT_IN_STATISTICS) for m in (4, 5, 6)}

    assert at[4][code(1)] is None  # the start month itself
    assert at[5][code(1)] == YELLOW  # one month after
    assert at[6][code(1)] == RED  # two months after
    assert (at[6][code(2)], at[6][code(3)]) == (None, RED)


def test_a_milestone_overdue_is_yellow_and_red_more_than_30_days_overdue():
    county(
        *(project(s, started="2024-01-10") for s in range(1, 6)),
        reports=[r for s in range(1, 6) for r in monthly(s, 500, range(1, 7))],
        milestones=[
            [code(1), "施工许可", "2024-06-30", None],  # due on the period end: overdue 0 days
            [code(2), "施工许可", "2024-05-31", None],  # 30 days
            [code(3), "施工许可", "2024-05-30", None],  # 31 days
            [code(4), "施工许可", "2024-06-30", "2024-06-30"],  # done on the day
            [code(5), "施工许可", "2024-07-01", None],  # due the day after the period end
        ],
    )
    at_june = levels(6, LagReason.MILESTONE)

    assert [at_june[code(s)] for s in range(1, 6)] == [YELLOW, YELLOW, RED, None, None]


def test_no_report_after_the_due_day_is_yellow_and_two_months_running_red():
    county(
        project(1, started="2024-01-10"),  # May and June missing
        project(2, started="2024-01-10"),  # June missing
        project(3, started="2024-06-03"),  # started in June, June missing: May not expected
        project(4, started="2024-01-10"),  # all in
        reports=[
            *monthly(1, 500, range(1, 5)),
            *monthly(2, 500, range(1, 6)),
            *monthly(4, 500, range(1, 7)),
        ],  # fmt: skip
    )
    due = report_deadline(2024, 6, 5)  # the first instant after 5 July
    on_the_due_day = levels(6, LagReason.NOT_REPORTED, now=due - timedelta(seconds=1))
    after = levels(6, LagReason.NOT_REPORTED, now=due)

    assert set(on_the_due_day.values()) == {None}
    assert [after[code(s)] for s in range(1, 5)] == [RED, YELLOW, YELLOW, None]


def test_a_row_takes_its_worst_reasons_level():
    county(project(1, planned="2024-01-15"))  # five months late, no money
    (warning,) = lag_warnings(Period.of(2024, 6, today=timezone.localdate(AFTER_JUNE_DUE)))

    assert warning.level == RED
    assert warning.summary.startswith("红色预警：未按期开工（红色）")


def test_a_rule_switched_off_raises_nothing_and_thresholds_move_the_edges():
    county(
        project(1, started="2024-01-10"),
        reports=monthly(1, 380, range(1, 7)),  # 12 points behind
    )
    set_rule(Indicator.INVESTMENT, yellow=5, red=11)
    assert levels(6, LagReason.INVESTMENT)[code(1)] == RED
    set_rule(Indicator.INVESTMENT, enabled=False, yellow=5, red=11)
    assert levels(6, LagReason.INVESTMENT)[code(1)] is None


def test_the_boards_amber_edge_is_the_investment_rules_yellow_threshold():
    county(project(1, started="2024-01-10"), reports=monthly(1, 380, range(1, 7)))
    assert board(Period.of(2024, 6))[0].cells[-1].colour == "red"  # 12 behind, more than 10
    set_rule(Indicator.INVESTMENT, yellow=15, red=30)
    assert board(Period.of(2024, 6))[0].cells[-1].colour == "amber"  # within 15


# --- the defaults are DESIGN.md §3's lag list -------------------------------------------


def section_3_lag_list(*, year: int, month: int, now: datetime) -> set[str]:
    """DESIGN.md §3 read literally, row by row (slow, and only for this comparison)."""
    end = rules.period_end(year, month)
    due = now >= report_deadline(year, month, 5)
    listed = set()
    for plan in AnnualPlan.objects.counted(year).select_related("project"):
        started = plan.actual_start is not None and plan.actual_start <= end
        planned = plan.project.planned_start
        completed = sum(
            r.amount
            for r in plan.reports.filter(
                month__lte=month, status__in=MonthlyReport.COUNTED_STATUSES
            )
        )
        rate = rules.percent(completed, plan.planned_investment)
        late = Milestone.objects.filter(project=plan.project).late(at_end_of=end).exists()
        reported = plan.reports.filter(
            month=month, status__in=MonthlyReport.COUNTED_STATUSES
        ).exists()
        if (
            (not started and planned is not None and planned < end)
            or (
                rate is not None
                and (planned is None or planned <= end)  # not due to start: not judged
                and rules.time_progress(month) - rate > 10
            )
            or late
            or (due and started and not reported)
        ):
            listed.add(plan.project.code)
    return listed


def test_with_the_defaults_the_yellow_and_red_rows_are_section_3s_lag_list():
    county(
        project(1, planned="2024-03-01"),
        project(2, started="2024-01-10"),
        project(3, started="2024-01-10"),
        project(4, started="2024-01-10"),
        project(5, started="2024-01-10"),
        project(6, planned="2024-02-01"),
        project(7, started="2024-05-02"),  # not 纳统: not on §3's list
        project(8, planned="2024-09-01"),  # planned after June: not due to start
        project(9, planned="2024-06-30"),  # planned on June's last day: its money is due
        reports=[
            *monthly(2, 380, range(1, 7)),
            *monthly(3, 400, range(1, 7)),
            *monthly(4, 500, range(1, 7)),
            *monthly(5, 500, range(1, 6)),
            *monthly(7, 500, range(5, 7)),
        ],  # fmt: skip
        milestones=[
            [code(4), "施工许可", "2024-05-01", None],
            [code(6), "用地批复", "2024-04-01", None],
        ],  # fmt: skip
    )
    found = {
        w.progress.code
        for w in lag_warnings(Period.of(2024, 6, today=timezone.localdate(AFTER_JUNE_DUE)))
    }

    assert found == section_3_lag_list(year=2024, month=6, now=AFTER_JUNE_DUE)
    assert found == {code(s) for s in (1, 2, 4, 5, 6, 9)}  # 9: nothing done, 50 behind


def test_on_the_demo_county_the_yellow_and_red_rows_are_section_3s_lag_list(demo_county):
    now = timezone.make_aware(datetime.combine(DEMO_DAY, time(12)))
    found = lag_warnings(Period.of(2026, 10, today=timezone.localdate(now)))

    assert {w.progress.code for w in found} == section_3_lag_list(year=2026, month=10, now=now)
    assert {w.level for w in found} == {YELLOW, RED}  # the demo has some of each


@pytest.mark.parametrize("size", [5, 60])
def test_the_lag_list_reads_the_same_four_queries_at_any_size(size, django_assert_num_queries):
    load(a_portfolio(size, 2024))
    Milestone.objects.bulk_create(
        Milestone(project=p.project, name="施工许可", planned_date=date(2024, 3, 1))
        for p in AnnualPlan.objects.select_related("project")
    )
    with django_assert_num_queries(4):
        found = lag_warnings(Period.of(2024, 6, today=timezone.localdate(AFTER_JUNE_DUE)))
    assert len(found) == size


# --- saving the rules -------------------------------------------------------------------


def entries(**changed) -> list[RuleEntry]:
    """The five rules as the page shows them for a year still at its defaults."""
    rows = []
    for indicator, (enabled, yellow, red) in WarningRule.DEFAULTS.items():
        entry = RuleEntry(indicator, enabled, Decimal(yellow), Decimal(red), expected_version=0)
        rows.append(dataclasses.replace(entry, **changed.get(indicator.value, {})))
    return rows


def test_the_office_saves_a_red_threshold_and_only_that_rule_is_written(cast):
    changed = warning_rules_save(
        year=2024, user=cast.officer, rules=entries(investment={"red": Decimal(15)})
    )

    assert changed == 1
    rule = WarningRule.objects.get()
    assert (rule.indicator, rule.yellow, rule.red, rule.updated_by) == (
        Indicator.INVESTMENT, 10, 15, cast.officer,
    )  # fmt: skip
    assert WarningRule.for_year(2024)[Indicator.INVESTMENT].red == 15
    assert WarningRule.for_year(2025)[Indicator.INVESTMENT].red == 30  # another year: defaults


def test_saving_the_rules_unchanged_writes_nothing(cast):
    assert warning_rules_save(year=2024, user=cast.officer, rules=entries()) == 0
    assert not WarningRule.objects.exists()

    warning_rules_save(year=2024, user=cast.officer, rules=entries(investment={"red": Decimal(15)}))
    rule = WarningRule.objects.get()
    again = entries(investment={"red": Decimal("15.00")})
    again = [
        RuleEntry(e.indicator, e.enabled, e.yellow, e.red, rule.version if e.indicator ==
                  Indicator.INVESTMENT else 0)
        for e in again
    ]  # fmt: skip

    assert warning_rules_save(year=2024, user=cast.officer, rules=again) == 0
    rule.refresh_from_db()
    assert rule.version == 1 and len(rules_history(2024)) == 1


def test_it_refuses_a_yellow_threshold_above_the_red_naming_the_indicator(cast):
    with pytest.raises(ValidationError) as refused:
        warning_rules_save(
            year=2024, user=cast.officer, rules=entries(investment={"yellow": Decimal(40)})
        )

    assert refused.value.messages == [
        "投资滞后的黄色阈值（40个百分点）不能大于红色阈值（30个百分点）。"
    ]
    assert not WarningRule.objects.exists()


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"milestone": {"yellow": Decimal(-1)}}, "节点逾期的黄色阈值不能为负数。"),
        ({"not_started": {"red": Decimal("2.5")}}, "未按期开工的红色阈值以个月计，应为整数。"),
        ({"not_reported": {"yellow": Decimal(0)}}, "未报送的黄色阈值至少为1个月（当月未报送）。"),
        ({"investment": {"red": Decimal(10000)}}, "投资滞后的红色阈值不能超过9999个百分点。"),
    ],
)
def test_it_refuses_thresholds_a_rule_cannot_have(cast, changed, message):
    with pytest.raises(ValidationError) as refused:
        warning_rules_save(year=2024, user=cast.officer, rules=entries(**changed))

    assert refused.value.messages == [message]
    assert not WarningRule.objects.exists()


def test_it_refuses_everything_when_one_rule_is_wrong(cast):
    with pytest.raises(ValidationError):
        warning_rules_save(
            year=2024,
            user=cast.officer,
            rules=entries(investment={"red": Decimal(15)}, milestone={"yellow": Decimal(-1)}),
        )
    assert not WarningRule.objects.exists()


def test_it_refuses_a_form_older_than_the_saved_rule(cast):
    warning_rules_save(year=2024, user=cast.officer, rules=entries(investment={"red": Decimal(15)}))

    with pytest.raises(ValidationError) as refused:  # a second tab, opened before the save
        warning_rules_save(
            year=2024, user=cast.officer, rules=entries(investment={"red": Decimal(20)})
        )

    assert "已被王科长于" in refused.value.messages[0] and "未保存" in refused.value.messages[0]
    assert WarningRule.objects.get().red == 15


@pytest.mark.parametrize("person", ["reporter", "leader", "supervisor", "admin"])
def test_it_refuses_anyone_but_the_office(cast, person):
    with pytest.raises(PermissionDenied):
        warning_rules_save(
            year=2024, user=getattr(cast, person), rules=entries(investment={"red": Decimal(15)})
        )
    assert not WarningRule.objects.exists()


def test_the_history_says_what_each_save_changed(cast):
    warning_rules_save(year=2024, user=cast.officer, rules=entries(investment={"red": Decimal(15)}))
    version = WarningRule.objects.get().version
    later = [
        RuleEntry(e.indicator, e.enabled, e.yellow, e.red, version if e.indicator ==
                  Indicator.INVESTMENT else 0)
        for e in entries(investment={"red": Decimal(20), "yellow": Decimal("12.5")})
    ]  # fmt: skip
    warning_rules_save(year=2024, user=cast.officer, rules=later)

    (newest, newest_changes), (first, first_changes) = rules_history(2024)
    assert newest_changes == ["黄色阈值：10 → 12.5", "红色阈值：15 → 20"]
    assert first_changes == ["红色阈值：30 → 15"]  # compared with the default
    assert newest.history_user == cast.officer
