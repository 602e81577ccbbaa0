"""Whatever is posted to the monthly report and project forms, the answer is never a 500.

Property-based: hypothesis posts generated values through the real views (the test client
re-raises any exception a view lets escape, so a crash fails the test rather than hiding in
a 500 page). Example counts are kept small so the suite stays fast.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investment.models import MonthlyReport
from projects.models import AnnualPlan
from tests.builders import ledger
from tests.workbooks import code

# slow: hypothesis posts 60 generated forms through the real views, twice
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERS = {200, 302, 400, 403, 404}

# Text as clerks and attackers type it: any unicode (NUL, surrogates excluded by the client's
# encoding are left out), numbers in odd shapes, very long strings.
text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.sampled_from(
        ["", " ", "0", "-1", "1e309", "1E1000000", "NaN", "Infinity", "１２３", "1,000.5"]
        + ["9" * 40]
    ),
    st.text(alphabet="0123456789.-eE+", max_size=25),
)


@pytest.fixture
def unit_reporter(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(3), "项目名称": "丙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
            ]
        }
    )  # fmt: skip
    return cast.reporter


@FUZZ
@given(
    amounts=st.lists(text, min_size=2, max_size=2),
    progress=text,
    problems=text,
    category=text,
    plan_ids=st.lists(st.one_of(st.integers(-5, 10**12).map(str), text), min_size=2, max_size=2),
    total=st.sampled_from(["2", "1", "3", "0", "-1", "x", "100000"]),
    action=st.sampled_from(["save", "submit", "", "delete"]),
)
def test_the_monthly_report_form_never_fails(
    client, unit_reporter, amounts, progress, problems, category, plan_ids, total, action
):
    client.force_login(unit_reporter)
    own = list(AnnualPlan.objects.filter(project__unit=unit_reporter.unit).order_by("pk"))
    data = {"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": "2", "action": action}
    for index, (plan, amount, plan_id) in enumerate(zip(own, amounts, plan_ids, strict=True)):
        data |= {
            f"form-{index}-plan": plan_id if index else str(plan.pk),
            f"form-{index}-amount": amount,
            f"form-{index}-progress": progress,
            f"form-{index}-problems": problems,
            f"form-{index}-problem_category": category,
        }

    response = client.post(reverse("report_month", args=[2024, 3]), data)

    assert response.status_code in ANSWERS
    # Nothing lands on another unit's project, whatever plan id was posted.
    assert not MonthlyReport.objects.exclude(plan__project__unit=unit_reporter.unit).exists()


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {
            "code": st.one_of(text, st.just(code(9))),
            "name": text,
            "unit": st.one_of(text, st.integers(-1, 10**12).map(str)),
            "industry": text,
            "total_investment": text,
            "planned_start": st.one_of(text, st.dates().map(str)),
            "planned_end": st.one_of(text, st.dates().map(str)),
            "actual_end": text,
            "stage": st.one_of(text, st.sampled_from(["construction", "replaced", "reserve"])),
            "leader": text,
            "service_officer": text,
            "is_private": text,
            "content": text,
        }
    )
)
def test_the_project_form_never_fails(client, fields, cast):
    client.force_login(cast.officer)  # one officer for every example

    response = client.post(reverse("project_create"), fields)

    assert response.status_code in ANSWERS
