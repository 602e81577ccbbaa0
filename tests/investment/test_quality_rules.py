"""数据质量规则 (DESIGN.md §3): each numeric rule at, below and above its threshold, on a report
typed on the month page's service and on one imported from the ledger; a rule switched off
flags nothing; the office's settings save writes nothing when unchanged."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import MonthlyReport, QualityFlag, QualityRule
from investment.services import quality
from investment.services import reports as services
from investment.services.quality_flags import RuleEntry, quality_rules_save, rules_history
from projects.models import AnnualPlan
from tests.workbooks import load

Code = QualityRule.Code
HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "实际开(复)工日期"]  # fmt: skip
REPORTS = ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度"]
CODE = "2024-510623-47-01-000001"


def county(*, total=5000, plan=1200, started="2024-01-05", months=4, each=100, progress=None):
    """One 县住建局 project (总投资 ``total``, 2024 plan ``plan``) with ``months`` imported
    months of ``each`` 万元 before May, each with the 形象进度 ``progress`` (else its own)."""
    reports = [[CODE, 2024, m, each, progress or f"第{m}月进度"] for m in range(5 - months, 5)]
    load(
        {
            "项目台账": [
                HEADERS,
                [CODE, "城关保障房", "县住建局", "县重点", "新建", total, 2024, plan, started],
            ],  # fmt: skip
            "月度投资": [REPORTS, *reports],
        }
    )


def typed(cast, amount, progress="主体施工") -> MonthlyReport:
    """May's report, saved as a draft by the unit's reporter (as the month page does)."""
    return services.report_save(
        plan=AnnualPlan.objects.get(project__code=CODE),
        month=5,
        user=cast.reporter,
        amount=Decimal(amount),
        progress=progress,
    )


def imported(amount, progress="主体施工") -> MonthlyReport:
    load({"月度投资": [REPORTS, [CODE, 2024, 5, amount, progress]]})
    return MonthlyReport.objects.get(plan__project__code=CODE, month=5)


def flags(report: MonthlyReport) -> dict[str, str]:
    return dict(QualityFlag.objects.filter(report=report).values_list("rule", "message"))


def entered(cast, how, amount, progress="主体施工") -> MonthlyReport:
    return typed(cast, amount, progress) if how == "form" else imported(amount, progress)


HOW = ["form", "ledger"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    ("amount", "flagged"), [("499.99", False), ("500", False), ("500.01", True)]
)
def test_month_outlier_is_more_than_k_times_the_median_of_earlier_months(
    cast, how, amount, flagged
):
    county()  # Jan–Apr 100 each: the median is 100, k = 5
    report = entered(cast, how, amount)
    assert (Code.MONTH_OUTLIER in flags(report)) is flagged


def test_month_outlier_says_how_many_times_the_median(cast):
    county(total=50000, plan=5000, each=450)
    report = typed(cast, "4500")
    assert flags(report)[Code.MONTH_OUTLIER] == (
        "本月完成4,500.00万元，是该项目此前12个月中位数450.00万元的10.0倍（超过5倍即提示）"
    )


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("amount", "flagged"), [("600", False), ("600.01", True)])
def test_with_fewer_than_three_months_the_outlier_is_half_the_years_plan(
    cast, how, amount, flagged
):
    county(months=2)  # two earlier months only; the plan is 1,200
    report = entered(cast, how, amount)
    assert (Code.MONTH_OUTLIER in flags(report)) is flagged


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("amount", "flagged"), [("1039.99", False), ("1040", False),
                                                 ("1040.01", True)])  # fmt: skip
def test_year_over_plan_is_the_year_so_far_above_plan_plus_s(cast, how, amount, flagged):
    county()  # 400 before May; plan 1,200 × 1.2 = 1,440
    report = entered(cast, how, amount)
    assert (Code.YEAR_OVER_PLAN in flags(report)) is flagged


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("amount", "flagged"), [("1099.99", False), ("1100", False),
                                                 ("1100.01", True)])  # fmt: skip
def test_cumulative_over_total_is_all_years_through_the_month_above_the_total(
    cast, how, amount, flagged
):
    county(total=1500)  # 400 before May
    report = entered(cast, how, amount)
    assert (Code.CUMULATIVE_OVER_TOTAL in flags(report)) is flagged


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    ("started", "amount", "flagged"),
    [(None, "0", False), (None, "0.01", True), ("2024-05-31", "10", False),
     ("2024-06-01", "10", True)],
)  # fmt: skip
def test_invested_not_started_is_investment_before_any_start(cast, how, started, amount, flagged):
    county(started=started, months=0)
    report = entered(cast, how, amount)
    assert (Code.INVESTED_NOT_STARTED in flags(report)) is flagged


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    ("months", "amount", "flagged"), [(2, "80", False), (3, "80", True), (3, "0", False)]
)
def test_progress_unchanged_is_the_same_text_n_months_running_with_investment(
    cast, how, months, amount, flagged
):
    county(months=months, progress="主体施工")  # n = 3
    report = entered(cast, how, amount, progress="主体施工")
    assert (Code.PROGRESS_UNCHANGED in flags(report)) is flagged


@pytest.mark.parametrize("how", HOW)
def test_a_rule_switched_off_flags_nothing(cast, how):
    county()
    QualityRule.objects.create(year=2024, rule=Code.MONTH_OUTLIER, enabled=False, threshold=5)
    assert Code.MONTH_OUTLIER not in flags(entered(cast, how, "5000"))


def test_a_flag_that_no_longer_holds_disappears_when_the_row_is_corrected(cast):
    county(total=50000, plan=5000, each=450)
    report = typed(cast, "4500")
    assert Code.MONTH_OUTLIER in flags(report)
    report = typed(cast, "450")
    assert flags(report) == {}


def test_saving_the_rules_judges_the_year_again(cast):
    county()
    report = typed(cast, "450")  # 4.5 × the median: not flagged at k = 5
    assert flags(report) == {}
    quality_rules_save(
        year=2024,
        user=cast.officer,
        rules=[RuleEntry(Code.MONTH_OUTLIER, True, Decimal(4), expected_version=0)],
    )
    assert Code.MONTH_OUTLIER in flags(report)


def test_an_unchanged_save_of_the_rules_writes_no_history(cast):
    defaults = [
        RuleEntry(code, rule.enabled, rule.threshold, expected_version=0)
        for code, rule in QualityRule.for_year(2024).items()
    ]
    assert quality_rules_save(year=2024, user=cast.officer, rules=defaults) == 0
    assert not QualityRule.objects.exists() and rules_history(2024) == []

    changed = [RuleEntry(Code.YEAR_OVER_PLAN, True, Decimal(30), expected_version=0)]
    assert quality_rules_save(year=2024, user=cast.officer, rules=changed) == 1
    row = QualityRule.objects.get()
    again = [RuleEntry(Code.YEAR_OVER_PLAN, True, Decimal(30), expected_version=row.version)]
    assert quality_rules_save(year=2024, user=cast.officer, rules=again) == 0
    assert [changes for _, changes in rules_history(2024)] == [["阈值：20 → 30"]]


def test_the_rules_refuse_a_threshold_out_of_range_and_save_nothing(cast):
    from django.core.exceptions import ValidationError

    entries = [
        RuleEntry(Code.YEAR_OVER_PLAN, True, Decimal(30), expected_version=0),
        RuleEntry(Code.PROGRESS_UNCHANGED, True, Decimal("2.5"), expected_version=0),
    ]
    with pytest.raises(ValidationError, match="应为整数"):
        quality_rules_save(year=2024, user=cast.officer, rules=entries)
    assert not QualityRule.objects.exists()


def queries_to_judge(projects: int) -> int:
    """Queries to judge every report of ``projects`` projects afresh (two months each, the
    second one taking the year past its plan)."""
    rows = [[f"2024-510623-47-01-{n:06d}", f"项目{n}", "县住建局", "县重点", "新建", 100, 2024,
             100, "2024-01-05"] for n in range(1, projects + 1)]  # fmt: skip
    reports = [[row[0], 2024, m, 61, "施工"] for row in rows for m in (1, 2)]
    load({"项目台账": [HEADERS, *rows], "月度投资": [REPORTS, *reports]})
    assert QualityFlag.objects.filter(rule=Code.YEAR_OVER_PLAN).count() == projects  # imported
    QualityFlag.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        quality.judge(MonthlyReport.objects.all())
    assert QualityFlag.objects.filter(rule=Code.YEAR_OVER_PLAN).count() == projects
    MonthlyReport.objects.all().delete()
    AnnualPlan.objects.all().delete()
    return len(queries)


def test_judging_costs_the_same_queries_for_more_projects():
    # (Within one insert batch: SQLite takes at most 999 parameters a statement, so its
    # inserts go ~40 history rows at a time; that is the database's batching, not a query a project.)
    assert queries_to_judge(5) == queries_to_judge(12)


def test_a_revised_total_judges_the_projects_reports_again(cast):
    from datetime import date

    from projects.models import Project
    from projects.services.revisions import project_revise

    county(total=1500)  # 400 before May
    report = typed(cast, "1200")
    assert Code.CUMULATIVE_OVER_TOTAL in flags(report)
    project_revise(
        project=Project.objects.get(code=CODE),
        user=cast.officer,
        total_investment=Decimal(2000),
        planned_end=None,
        reason="概算调增",
        approval_number="县发改投资〔2024〕9号",
        revised_on=date(2024, 6, 1),
    )
    assert Code.CUMULATIVE_OVER_TOTAL not in flags(report)


def test_a_start_recorded_on_the_plan_clears_invested_not_started(cast):
    from datetime import date

    county(started=None, months=0)
    report = typed(cast, "10")
    assert Code.INVESTED_NOT_STARTED in flags(report)
    plan = AnnualPlan.objects.get(project__code=CODE)
    plan.actual_start = date(2024, 5, 3)
    plan.save()
    assert Code.INVESTED_NOT_STARTED not in flags(report)
