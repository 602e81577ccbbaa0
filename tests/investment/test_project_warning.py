"""A leader on a lagging project's page and its 项目一页纸 sees that it is on the lag list (滞后预警)
and why: the level and the reasons of its row on the list (`project_warning`, read from
`lag_warnings`, never restated), at the period that is due. Both write every date one way
(2026年8月5日), the breadcrumb names the project, and 累计完成 before any report is 0.00.

On 7 December 2026 November is due. 城关污水处理厂 was planned to start on 1 June and has not:
red for 未按期开工 (5 months), and 投资滞后 at 0.0% against 91.7%. 营盘公路改建 is planned
for 20 December: not due to start, not on the list.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from investment.rules.periods import Period
from investment.selectors.progress import lag_warnings, project_warning
from projects.models import Project
from tests.investment.test_briefing import pdf_text
from tests.workbooks import PROJECT_HEADERS, code, load

MOMENT = "2026-12-07 10:00+08:00"


@pytest.fixture
def county(db):
    load({"项目台账": [PROJECT_HEADERS,
        [code(1, 2026), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 100, None],
        [code(2, 2026), "营盘公路改建", "营盘镇", "县重点", "新建", 1000, 2026, 100, None],
    ]})  # fmt: skip
    Project.objects.filter(name="城关污水处理厂").update(
        planned_start=date(2026, 6, 1), planned_end=date(2028, 12, 28)
    )
    Project.objects.filter(name="营盘公路改建").update(planned_start=date(2026, 12, 20))
    return {p.name: p for p in Project.objects.all()}


def test_the_projects_warning_is_its_row_on_the_lag_list(county):
    with time_machine.travel(MOMENT):
        period = Period.due_on()
        (listed,) = [w for w in lag_warnings(period) if w.progress.name == "城关污水处理厂"]
        warning = project_warning(period, project=county["城关污水处理厂"])
        assert project_warning(period, project=county["营盘公路改建"]) is None
    assert warning is not None
    assert warning.reasons == listed.reasons
    assert warning.level_label == "红色"
    assert warning.reasons[0].details == "计划2026年6月1日开工，至11月底未开工（已5个月）"


def test_the_project_page_shows_the_level_and_the_reasons(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        page = client.get(
            reverse("project_detail", args=[county["城关污水处理厂"].pk])
        ).content.decode()

    assert '滞后预警 <small class="muted">2026年，截至11月底</small>' in page
    assert "红色预警" in page
    assert "未按期开工（红色）：计划2026年6月1日开工，至11月底未开工（已5个月）" in page
    assert "投资滞后（红色）：完成0.0%，低于序时进度91.7个百分点" in page


def test_a_project_off_the_list_says_so(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        page = client.get(
            reverse("project_detail", args=[county["营盘公路改建"].pk])
        ).content.decode()

    assert "未列入滞后预警名单" in page
    assert "warn-mark" not in page


def test_the_project_page_writes_every_date_one_way_and_names_the_project(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        page = client.get(
            reverse("project_detail", args=[county["城关污水处理厂"].pk])
        ).content.decode()

    assert "项目库</a> › 城关污水处理厂" in page
    assert "<dd>2026年6月1日</dd>" in page and "<dd>2028年12月28日</dd>" in page
    assert "2028-12-28" not in page and "2026-06-01" not in page


def test_the_sheet_shows_the_warning_and_adds_up_from_zero(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        response = client.get(
            reverse("project_sheet_pdf", args=[county["城关污水处理厂"].pk]),
            {"year": 2026, "month": 11},
        )
    text = pdf_text(response.content)

    # One line, so the sheet stays one page: the details are on the project page.
    assert "滞后预警●红色预警未按期开工（红色）、投资滞后（红色）（截至11月底）" in text
    assert "累计完成0.00万元" in text  # not "— 万元" above a table of 0.00
    assert "计划开工2026年6月1日" in text and "2028年12月28日" in text
    assert "2028-12-28" not in text.split("节点作战图")[0]
