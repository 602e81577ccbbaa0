"""超概算/超工期 where people read them (DESIGN.md §3 Overruns, §4): the list page with its filters,
sorting and Excel export, the project page, the dashboard, the briefing and `manage.py overruns`."""

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Project
from projects.services.revisions import project_revise
from tests.investment.test_briefing import pdf_text
from tests.workbooks import code, load, read_back

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划开工日期", "计划竣工日期", "项目阶段"]  # fmt: skip


def a_county(size: int = 3) -> None:
    """2024's list: 城关污水处理厂 (县住建局, 5,000 万元, due 2024-12-31), 营盘公路 (营盘镇, 800 万元,
    due 2024-03-31, still building) and ``size - 2`` projects on plan."""
    rows: list[list[Any]] = [
        HEADERS,
        [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 5000, 2024, 1000, "2024-01-01",
         "2024-12-31", "在建"],
        [code(2), "营盘公路", "营盘镇", "市重点", "新建", 800, 2024, 100, "2023-06-01",
         "2024-03-31", "在建"],
    ]  # fmt: skip
    for serial in range(3, size + 1):
        rows.append([code(serial), f"项目{serial}", "营盘镇", "县重点", "新建", 100, 2024, 10,
                     "2024-01-01", "2026-12-31", "在建"])  # fmt: skip
    load({"项目台账": rows})


@pytest.fixture
def county(cast):
    a_county()
    project_revise(project=Project.objects.get(code=code(1)), user=cast.officer,
                   total_investment=Decimal(6200), reason="概算调整",
                   approval_number="县发改投资〔2024〕35号", revised_on=date(2024, 5, 6))  # fmt: skip
    return cast


def test_the_office_sees_each_project_over_cost_or_time(client, county):
    client.force_login(county.officer)

    page = client.get(reverse("overruns"), {"year": 2024, "month": 6}).content.decode()

    assert "超概算项目1个，合计1,200.00万元；超工期项目1个" in page
    assert "城关污水处理厂" in page and "24.0%" in page
    assert "营盘公路" in page and "项目3" not in page


def test_a_kind_filters_the_list_and_a_bad_kind_is_named_not_a_500(client, county):
    client.force_login(county.leader)

    time_only = client.get(reverse("overruns"), {"year": 2024, "month": 6, "kind": "time"})
    bad = client.get(reverse("overruns"), {"year": 2024, "month": 6, "kind": "<x>"})

    assert "营盘公路" in time_only.content.decode()
    assert "城关污水处理厂" not in time_only.content.decode()
    assert bad.status_code == 200 and "城关污水处理厂" in bad.content.decode()


def test_the_list_sorts_by_any_column(client, county):
    client.force_login(county.officer)

    for sort in ("time_overrun", "-cost_overrun", "cost_overrun_pct", "name", "-unit", "level",
                 "original_total", "total", "original_completion", "planned_end"):  # fmt: skip
        page = client.get(reverse("overruns"), {"year": 2024, "month": 6, "sort": sort})
        assert page.status_code == 200, sort

    page = client.get(reverse("overruns"), {"year": 2024, "month": 6, "sort": "-time_overrun"})
    text = page.content.decode()
    assert text.index("营盘公路") < text.index("城关污水处理厂")


def test_a_reporter_sees_only_their_own_units_projects(client, county):
    client.force_login(county.other_reporter)  # 营盘镇

    page = client.get(reverse("overruns"), {"year": 2024, "month": 6}).content.decode()

    assert "营盘公路" in page and "城关污水处理厂" not in page


def test_the_excel_export_is_the_list_as_shown(client, county):
    client.force_login(county.officer)

    response = client.get(reverse("overruns"), {"year": 2024, "month": 6, "format": "xlsx"})

    sheet = read_back(response.content)["超概算超工期"]
    assert sheet[0][:8] == ("项目代码", "项目名称", "责任单位", "项目级别", "原总投资(万元)",
                            "总投资(万元)", "超概算(万元)", "超概算(%)")  # fmt: skip
    rows = {row[0]: row for row in sheet[1:]}
    assert rows[code(1)][4:8] == (5000, 6200, 1200, 24)
    assert rows[code(2)][10] == 3  # 31 March → 30 June, still building


def test_the_list_page_costs_the_same_queries_at_two_sizes(client, cast):
    def queries() -> int:
        client.force_login(cast.officer)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("overruns"), {"year": 2024, "month": 6})
        return len(captured)

    a_county(3)
    small = queries()
    a_county(30)
    assert queries() == small


def test_the_project_page_shows_the_original_the_overruns_and_the_revisions(client, county):
    client.force_login(county.leader)
    project = Project.objects.get(code=code(1))

    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()

    assert "原总投资" in page and "5,000.00 万元" in page
    assert "1,200.00 万元（24.0%）" in page
    assert "概算调整" in page and "县发改投资〔2024〕35号" in page and "王科长" in page


def test_the_dashboard_states_the_overrun_figure(client, county):
    client.force_login(county.leader)

    page = client.get(reverse("dashboard"), {"year": 2024, "month": 6}).content.decode()

    assert "超概算项目1个，合计1,200.00万元；超工期项目1个" in page


def test_the_briefing_has_the_overrun_paragraph(client, county):
    client.force_login(county.leader)

    response = client.get(
        reverse("briefing_pdf"), {"kind": "month", "year": 2024, "month": 6, "acknowledged": "1"}
    )

    assert "超概算项目1个，合计1,200万元；超工期项目1个" in pdf_text(response.content)


def test_the_project_sheet_states_the_original_and_the_overrun(client, county):
    client.force_login(county.leader)
    project = Project.objects.get(code=code(2))

    response = client.get(
        reverse("project_sheet_pdf", args=[project.pk]), {"year": 2024, "month": 6}
    )

    text = pdf_text(response.content)
    assert "原总投资800.00万元" in text and "超工期3个月" in text


class TestTheCommand:
    def test_json_lists_each_project_with_the_pinned_keys(self, county):
        out = io.StringIO()

        call_command("overruns", "--year", "2024", "--month", "6", "--json", stdout=out)

        rows = {row["project_code"]: row for row in json.loads(out.getvalue())}
        assert rows[code(1)] == {
            "project_code": code(1), "original_total": 5000.0, "total": 6200.0,
            "cost_overrun": 1200.0, "cost_overrun_pct": 24.0,
            "original_completion": "2024-12-31", "planned_completion": "2024-12-31",
            "time_overrun_months": 0,
        }  # fmt: skip
        assert rows[code(2)]["time_overrun_months"] == 3
        assert rows[code(2)]["cost_overrun"] == 0.0
        assert set(rows) == {code(1), code(2)}

    def test_text_output_starts_with_the_summary(self, county):
        out = io.StringIO()

        call_command("overruns", "--year", "2024", "--month", "6", stdout=out)

        assert out.getvalue().startswith(
            "2024年度计划项目，截至6月底：超概算项目1个，合计1,200.00万元；超工期项目1个"
        )

    def test_a_bad_month_is_refused_with_a_clear_message(self, county):
        with pytest.raises(CommandError, match="月份应为1–12的整数"):
            call_command("overruns", "--year", "2024", "--month", "13")
