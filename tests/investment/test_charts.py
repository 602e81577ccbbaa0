"""Server-side SVG charts: labels escaped, values written, the same markup anywhere."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.documents import charts
from investment.documents.charts import bar_chart, line_chart
from investment.rules.periods import Period
from investment.selectors.portfolio import monthly_completion, projects_by_stage
from projects.models import AnnualPlan, Project
from projects.services.register import project_replace
from tests.builders import ledger
from tests.workbooks import code


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
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县交通局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 200},
            ],
            "月度投资": [{"项目代码": code(1), "年度": 2024, "月份": 1, "本月完成投资(万元)": 20}, {"项目代码": code(1), "年度": 2024, "月份": 3, "本月完成投资(万元)": 30}],
        }
    )  # fmt: skip

    assert monthly_completion(Period.of(2024, 3)) == [10, 10, 25]
    assert ("前期", 1) in projects_by_stage(Period.of(2024, 12))


def test_the_dashboard_shows_the_charts(client, cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县交通局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 200},
            ]
        }
    )  # fmt: skip
    client.force_login(cast.leader)

    page = client.get(reverse("dashboard"), {"year": 2024, "month": 6}).content.decode()

    assert page.count("<svg") == 3
    assert "2024年累计投资完成率与序时进度" in page
    assert "各责任单位投资完成率" in page


def test_a_replaced_row_shows_under_its_stage_said_not_to_count(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县交通局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 200},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "县交通局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 200},
            ]
        }
    )  # fmt: skip
    replaced = Project.objects.get(code=code(1))
    replacement = Project.objects.get(code=code(2))
    project_replace(project=replaced, replacement=replacement, year=2024, user=cast.officer)

    stages = dict(projects_by_stage(Period.of(2024, 12)))
    assert stages["替换（不计入）"] == 1
    assert sum(stages.values()) == AnnualPlan.objects.filter(year=2024).count() == 2


def test_a_citys_unit_bars_are_cut_into_charts_that_each_fit_an_a4_page_on_one_scale():
    units = [(f"单位{n:03d}", Decimal(n)) for n in range(1, 81)]

    shown = charts.bar_charts(title="各责任单位投资完成率", items=units, reference=Decimal(50))

    assert len(shown) == 3
    assert ["（1/3）" in shown[0], "（2/3）" in shown[1], "（3/3）" in shown[2]] == [True] * 3
    for name, _ in units:  # every unit in exactly one chart
        assert sum(f">{name}<" in chart for chart in shown) == 1
    for chart in shown:  # 150 mm wide in the PDF: no taller than an A4 page's 255 mm of text
        width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', chart).groups())
        assert height / width * 150 < 255
    # one scale: unit 080's bar (the largest) is as wide in the last chart as a full bar
    full = float(re.findall(r'<rect x="150" y="\S+" width="(\S+)"', shown[2])[-1])
    half = float(re.findall(r'<rect x="150" y="\S+" width="(\S+)"', shown[0])[-1])  # unit 036
    assert half == pytest.approx(full * 36 / 80, abs=0.1)


def test_a_countys_unit_bars_stay_one_chart_under_its_own_title():
    units = [(f"单位{n}", Decimal(n)) for n in range(1, 21)]

    (chart,) = charts.bar_charts(title="各责任单位投资完成率", items=units)

    assert chart == charts.bar_chart(title="各责任单位投资完成率", items=units)
