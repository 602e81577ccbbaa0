"""One money format wherever a person reads an amount: a table, a message, a history line, a
stale-form notice, the ledger's change list, a PDF (issue 22 item 14: "3600.0000万元")."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from bonds.rules import amount_problems
from core import formatting
from core.amounts import TOO_LARGE
from core.models import is_money
from core.versioning import change_line
from investment.models import MonthlyReport
from investment.services.entry import MonthSaved
from projects.models import AnnualPlan, Project
from projects.services.register import plan_update, project_replace
from tests.builders import ledger
from tests.workbooks import code

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py")) + ["config"]  # every app of ours


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("3600.0000", "3,600.00"),
        ("14772", "14,772.00"),
        ("2954.5", "2,954.50"),
        ("186.375", "186.375"),  # the stored 4 places are 元: none is rounded away
        ("0.0012", "0.0012"),
        ("0", "0.00"),
        ("9999999999.9999", "9,999,999,999.9999"),
        ("1.23456", "1.2346"),  # a computed figure beyond the stored places: half-up
    ],
)
def test_an_amount_has_separators_and_at_least_two_decimals(amount, shown):
    assert formatting.wan(Decimal(amount)) == shown
    assert formatting.wan_text(Decimal(amount)) == f"{shown}万元"


def test_an_unknown_amount_is_a_dash():
    assert formatting.wan(None) == formatting.wan_text(None) == "—"


def money_fields():
    return [
        field
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if is_money(field)
    ]


def test_the_money_fields_are_the_ones_declared_in_wan():
    names = {f"{field.model.__name__}.{field.name}" for field in money_fields()}

    assert names == {
        "Project.total_investment",
        "AnnualPlan.planned_investment",
        "MonthlyReport.amount",
        "FundApplication.requested",
        "FundApplication.approved",
        "FundApplication.allocated",
        "FundApplication.spent",
        "FundSpending.amount",
        "Project.original_total",
        "ProjectRevision.old_total",
        "ProjectRevision.new_total",
        "QualityFlag.amount",
    }


@pytest.mark.parametrize("field", money_fields(), ids=lambda f: f"{f.model.__name__}.{f.name}")
def test_every_money_field_reads_in_wan_in_a_change_line(field):
    line = change_line(field, Decimal("3600.0000"), Decimal("2954.0012"))

    label = str(field.verbose_name).removesuffix("(万元)")
    assert line == f"{label}：3,600.00万元 → 2,954.0012万元"
    assert "(万元)" not in line.split("：")[0]


def test_an_amount_changed_by_a_few_yuan_still_shows_the_change():
    field = AnnualPlan._meta.get_field("planned_investment")

    assert change_line(field, Decimal("2954.0001"), Decimal("2954.0002")) == (
        "年度计划投资：2,954.0001万元 → 2,954.0002万元"
    )


# Source text that writes an amount with its unit must write it through the one helper:
# ``{x}万元`` in an f-string, or ``{{ x }}万元`` in a template, without wan/yi is a raw decimal.
PY_AMOUNT = re.compile(r"\{([^{}]+)\}\s*(万元|亿元)")
TEMPLATE_AMOUNT = re.compile(r"\{\{([^{}]+)\}\}\s*(万元|亿元)")


def sources(pattern: str):
    for app in APPS:
        for path in (ROOT / app).rglob(pattern):
            if "migrations" not in path.parts:
                yield path
    if pattern == "*.html":
        yield from (ROOT / "templates").rglob(pattern)


def test_no_python_message_writes_an_amount_by_hand():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources("*.py")
        for match in PY_AMOUNT.finditer(path.read_text())
        if not re.search(r"\b(wan|yi)\(", match.group(1))
    ]

    assert found == []


def test_no_template_writes_an_amount_by_hand():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources("*.html")
        for match in TEMPLATE_AMOUNT.finditer(path.read_text())
        if not re.search(r"\|(wan|yi|yi1)\b", match.group(1))
    ]

    assert found == []


def a_register():
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "原项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 14772, "年度": 2024, "年度计划投资(万元)": 2954},
                {"项目代码": code(2), "项目名称": "较小项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 3600, "年度": 2024, "年度计划投资(万元)": 500},
            ]
        }
    )  # fmt: skip
    return Project.objects.get(code=code(1)), Project.objects.get(code=code(2))


def test_the_replacement_refusal_writes_both_totals_in_wan(cast):
    original, smaller = a_register()

    with pytest.raises(ValidationError) as refused:
        project_replace(project=original, replacement=smaller, user=cast.officer, year=2024)

    assert refused.value.messages == [
        "替换项目的总投资（3,600.00万元）低于原项目（14,772.00万元），不符合“投资规模不变”的要求。"
    ]


def test_the_stale_form_notice_writes_the_plan_amount_in_wan(cast):
    original, _ = a_register()
    plan = AnnualPlan.objects.get(project=original)
    shown = plan.version
    plan_update(
        plan=plan, user=cast.officer, changes={"planned_investment": Decimal(3000)}, version=shown
    )

    with pytest.raises(ValidationError) as refused:
        plan_update(
            plan=plan,
            user=cast.second_officer,
            changes={"planned_investment": Decimal(3100)},
            version=shown,
        )

    assert "年度计划投资：2,954.00万元 → 3,000.00万元" in refused.value.messages[0]
    assert "2954.0000" not in refused.value.messages[0]


def test_a_fund_step_above_the_one_before_is_refused_in_wan():
    assert amount_problems({"requested": Decimal("14772"), "approved": Decimal("14772.5")}) == [
        ("approved", "批复金额（14,772.50万元）不能大于申报金额（14,772.00万元）")
    ]


def test_the_month_save_message_writes_the_total_in_wan():
    reports = [MonthlyReport(amount=Decimal("3600.0000")), MonthlyReport(amount=Decimal("0.5"))]

    [(_, text)] = MonthSaved(reports=reports, submitted=True).notices()

    assert text == "已报送2个项目的月报，本月完成投资合计3,600.50万元。"


def test_the_largest_amount_is_named_in_wan():
    assert "最大9,999,999,999.9999万元" in TOO_LARGE


def test_the_auditors_history_writes_the_amount_in_wan(client, cast):
    original, _ = a_register()
    plan = AnnualPlan.objects.get(project=original)
    plan_update(
        plan=plan,
        user=cast.officer,
        changes={"planned_investment": Decimal(3000)},
        version=plan.version,
    )
    client.force_login(cast.auditor)

    page = client.get(reverse("data_history"), {"table": "plan"}).content.decode()

    assert "年度计划投资：2,954.00万元 → 3,000.00万元" in page
