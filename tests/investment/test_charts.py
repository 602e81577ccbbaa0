"""Server-side SVG charts: labels escaped, values written, the same markup anywhere."""

import re
from decimal import Decimal

from django.urls import reverse

from investment.documents.charts import bar_chart, line_chart
from investment.rules.periods import Period
from investment.selectors.portfolio import monthly_completion, projects_by_stage
from projects.models import AnnualPlan, Project
from projects.services.register import project_replace
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load


def test_a_line_chart_draws_each_series_with_its_values():
    svg = line_chart(
        title="累计完成率",
        labels=["1月", "2月", "3月"],
        series=[("完成率", [Decimal(5), None, Decimal("30.8")], "#1f4e79")],
    )

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "完成率 3月：30.8%" in svg
    assert svg.count("<circle") == 2  # the missing month draws no point


def test_bar_labels_are_escaped_and_counts_are_whole_numbers():
    svg = bar_chart(title="阶段", items=[("<script>", Decimal(3))], unit="个")

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "3个" in svg


def test_the_schedule_label_stays_inside_the_chart_when_the_schedule_leads_every_bar():
    svg = bar_chart(
        title="完成率", items=[("县住建局", Decimal("46.1"))], reference=Decimal("83.3")
    )

    label = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="(\w+)">序时进度83.3%', svg)
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    assert label.group(2) == "end" and float(label.group(1)) < width
    svg = bar_chart(title="完成率", items=[("县住建局", Decimal("99"))], reference=Decimal("25"))
    assert 'text-anchor="start">序时进度25.0%' in svg


def test_monthly_completion_and_stages_come_from_the_database():
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县交通局", "县重点", "新建", 100, 2024, 200, None],
            ],
            "月度投资": [REPORT_HEADERS, [code(1), 2024, 1, 20], [code(1), 2024, 3, 30]],
        }
    )

    assert monthly_completion(Period.of(2024, 3)) == [10, 10, 25]
    assert ("前期", 1) in projects_by_stage(Period.of(2024, 12))


def test_the_dashboard_shows_the_charts(client, cast):
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县交通局", "县重点", "新建", 100, 2024, 200, None],
            ]
        }
    )
    client.force_login(cast.leader)

    page = client.get(reverse("dashboard"), {"year": 2024, "month": 6}).content.decode()

    assert page.count("<svg") == 3
    assert "2024年累计投资完成率与序时进度" in page
    assert "各责任单位投资完成率" in page


def test_a_replaced_row_shows_under_its_stage_said_not_to_count(cast):
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县交通局", "县重点", "新建", 100, 2024, 200, None],
                [code(2), "乙", "县交通局", "县重点", "新建", 100, 2024, 200, None],
            ]
        }
    )
    replaced = Project.objects.get(code=code(1))
    replacement = Project.objects.get(code=code(2))
    project_replace(project=replaced, replacement=replacement, year=2024, user=cast.officer)

    stages = dict(projects_by_stage(Period.of(2024, 12)))
    assert stages["替换（不计入）"] == 1
    assert sum(stages.values()) == AnnualPlan.objects.filter(year=2024).count() == 2
