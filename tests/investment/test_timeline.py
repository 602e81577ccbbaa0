"""节点作战图: milestones on a month axis, planned against actual, coloured by where each stands at
the period end; for one project (its page, 项目一页纸) and for a set (the page, the A3 wall chart)."""

import io
import re
from datetime import date
from types import SimpleNamespace

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from core.filenames import filename_of
from investment.documents.timeline import FIRST_PAGE_ROWS, ROWS_PER_A3, timeline_svg, wall_paged
from investment.rules.periods import Period
from investment.selectors.progress import lag_warnings
from investment.selectors.timeline import project_timeline, set_timeline
from investment.views import timeline as timeline_views
from projects.models import AnnualPlan, Project, Unit
from projects.services.units import unit_save
from tests.investment.test_briefing import pdf_text
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, a_portfolio, code, load

MILESTONE_HEADERS = ["项目代码", "节点名称", "计划完成日期", "节点类型", "实际完成日期"]


def june() -> Period:
    """2026 through June, as it stands on 10 July."""
    return Period.of(2026, 6, today=date(2026, 7, 10))


A3_LANDSCAPE = (1190.55, 841.89)  # 420 × 297 mm in points


def a_bridge_and_a_school() -> None:
    """城关大桥 (县交通局) with a milestone of each status at the end of June 2026, one from 2025
    still overdue and one of 2027; 城关中学 (县教育局) with none late. Both started in January."""
    bridge, school = code(1, 2026), code(2, 2026)
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [bridge, "城关大桥", "县交通局", "县重点", "新建", 900, 2026, 300, "2026-01-05"],
                [school, "城关中学", "县教育局", "市重点", "新建", 500, 2026, 200, "2026-01-05"],
            ],
            "月度投资": [REPORT_HEADERS, *([c, 2026, m, 30] for c in (bridge, school) for m in (1, 2))],
            "项目节点": [
                MILESTONE_HEADERS,
                [bridge, "施工许可", "2026-03-15", "前期手续", "2026-03-10"],  # 按期完成
                [bridge, "主体开工", "2026-04-01", "建设节点", "2026-04-20"],  # 逾期完成
                [bridge, "桩基完成", "2026-06-30", "建设节点", None],  # 逾期未完成
                [bridge, "主体合龙", "2026-09-30", "建设节点", None],  # 未到期
                [bridge, "用地批复", "2025-11-30", "前期手续", None],  # overdue since 2025
                [bridge, "竣工验收", "2027-06-30", "建设节点", None],  # next year
                [school, "主体封顶", "2026-05-31", "建设节点", "2026-05-20"],
                [school, "竣工验收", "2026-08-31", "建设节点", None],
            ],
        }
    )  # fmt: skip


def nodes(svg: str) -> dict[str, str]:
    """Each milestone drawn: its hover title → its status class."""
    return {
        title: status
        for status, title in re.findall(r'<g class="node (\w+)"><title>([^<]+)</title>', svg)
    }


def test_one_project_draws_each_milestone_planned_against_actual_in_its_status_colour():
    a_bridge_and_a_school()
    bridge = Project.objects.get(name="城关大桥")

    svg = timeline_svg(project_timeline(june(), project=bridge))

    assert nodes(svg) == {
        "用地批复（前期手续）：计划2025-11-30，逾期未完成": "overdue",
        "施工许可（前期手续）：计划2026-03-15，实际2026-03-10，按期完成": "on_time",
        "主体开工（建设节点）：计划2026-04-01，实际2026-04-20，逾期完成": "done_late",
        "桩基完成（建设节点）：计划2026-06-30，逾期未完成": "overdue",
        "主体合龙（建设节点）：计划2026-09-30，未到期": "not_yet_due",
        "竣工验收（建设节点）：计划2027-06-30，未到期": "not_yet_due",
    }
    assert (
        "按期完成 1" in svg and "逾期完成 1" in svg and "逾期未完成 2" in svg and "未到期 2" in svg
    )
    assert "截至2026年6月底" in svg and 'class="period-end"' in svg
    assert svg.count("<polygon") == 6 + 1  # a planned diamond each, and the legend's
    assert svg.count("<circle") == 2 + 1  # an actual dot for the two done, and the legend's
    assert svg.count('stroke-dasharray="4 3"') == 2  # the overdue run on to the period end
    # Whole years on the axis: 2025 to 2027, for its dates
    assert ">2025年<" in svg and ">2027年<" in svg
    assert ">计划2026-04-01 实际2026-04-20<" in svg


def test_a_set_is_a_row_per_project_with_the_years_milestones_and_what_is_overdue():
    a_bridge_and_a_school()

    # as a row not on the lag list (say under a laxer 预警规则) shows it: its overdue milestones
    chart = set_timeline(june(), plans=AnnualPlan.objects.all(), warnings=[])
    svg = timeline_svg(chart)

    assert [(row.label, row.side) for row in chart.rows] == [
        ("城关大桥", "县交通局"), ("城关中学", "县教育局")  # by unit: 交 before 教
    ]  # fmt: skip
    bridge = [mark.name for mark in chart.rows[0].marks]
    assert bridge == ["用地批复", "施工许可", "主体开工", "桩基完成", "主体合龙"]  # not 2027's
    assert "城关大桥" in svg and "城关中学" in svg
    assert "逾期2个：用地批复、桩基完成" in svg
    assert svg.count('class="before-axis"') == 1  # 用地批复, planned in 2025: an arrow at January
    assert "下一节点：竣工验收 8月31日" in svg
    assert ">2026年<" in svg and ">12月<" in svg


def test_a_set_of_any_size_takes_the_same_queries(client, cast):
    def count(size: int, year: int) -> tuple[int, int]:
        sheets = a_portfolio(size, year)
        sheets["项目节点"] = [MILESTONE_HEADERS] + [
            [row[0], name, f"{year}-0{month}-15", "建设节点", None]
            for row in sheets["项目台账"][1:]
            for name, month in (("开工", 3), ("封顶", 8))
        ]
        load(sheets)
        period = Period.of(year, 6)
        with CaptureQueriesContext(connection) as queries:
            set_timeline(period, plans=AnnualPlan.objects.all())
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(
                reverse("timeline"), {"year": year, "month": 6, "scope": "lagging"}
            )
        assert response.status_code == 200
        return len(queries), len(page_queries)

    client.force_login(cast.leader)
    with time_machine.travel("2026-07-10 10:00+08:00"):  # neither year is the one that is due
        assert count(4, 2024) == count(40, 2025)


def test_the_page_shows_the_lagging_projects_as_the_lag_list_does(client, cast):
    a_bridge_and_a_school()
    client.force_login(cast.leader)

    with time_machine.travel("2026-07-10 10:00+08:00"):
        every = client.get(reverse("timeline"), {"year": 2026, "month": 6}).content.decode()
        lagging = client.get(
            reverse("timeline"), {"year": 2026, "month": 6, "scope": "lagging"}
        ).content.decode()
        lag_list = client.get(reverse("lag_warnings"), {"year": 2026, "month": 6}).content.decode()

    assert "城关大桥" in every and "城关中学" in every and "2个项目" in every
    # 城关大桥 has overdue milestones (节点逾期); both are behind on investment by June
    assert "城关大桥" in lag_list and "城关大桥" in lagging
    assert ("城关中学" in lag_list) == ("城关中学" in lagging)
    assert f'href="{reverse("timeline")}?year=2026&amp;month=6"' in every  # 挂图作战's tab
    assert (
        f'href="{reverse("project_detail", args=[Project.objects.get(name="城关大桥").pk])}"'
        in every
    )


def row_notes(svg: str) -> dict[str, tuple[str, str]]:
    """Each row of a set's chart: its project → (the note at its right, the note's hover title)."""
    labels = re.findall(r'class="row-label"><title>([^<]+)</title>', svg)
    notes = re.findall(r'class="row-note"><title>([^<]+)</title>([^<]*)</text>', svg)
    assert len(labels) == len(notes)
    return {label: (shown, title) for label, (title, shown) in zip(labels, notes, strict=True)}


def test_every_lagging_row_names_its_reasons_as_the_lag_list_does(client, cast):
    """A row on the lag list shows its level and reasons beside its milestones, from the lag
    list's own result at the period shown: 城关中学 (behind on investment, none of its
    milestones late) and 营盘敬老院 (not started, with no milestone at all) too, whose notes
    were about their milestones only; the hover title carries each reason's details."""
    a_bridge_and_a_school()
    load(
        {
            "项目台账": [
                [*PROJECT_HEADERS, "计划开工日期"],
                [code(3, 2026), "营盘敬老院", "营盘镇", "县重点", "新建", 300, 2026, 100, None,
                 "2026-03-01"],
                [code(4, 2026), "营盘卫生院", "营盘镇", "县重点", "新建", 300, 2026, 100, None,
                 "2027-03-01"],
            ]
        }
    )  # fmt: skip
    client.force_login(cast.leader)
    with time_machine.travel("2026-07-10 10:00+08:00"):
        warnings = lag_warnings(june(), plans=AnnualPlan.objects.all())
        lagging = client.get(reverse("timeline"), {"year": 2026, "month": 6, "scope": "lagging"})
        every = client.get(reverse("timeline"), {"year": 2026, "month": 6})
        wall_chart = pdf_text(
            client.get(
                reverse("timeline_pdf"), {"year": 2026, "month": 6, "scope": "lagging"}
            ).content
        )

    expected = {
        w.progress.name: (
            f"{w.level_label}预警：" + "、".join(r.reason for r in w.reasons),
            w.summary,
        )
        for w in warnings
    }
    assert set(expected) == {"城关大桥", "城关中学", "营盘敬老院"}
    assert expected["营盘敬老院"][0] == "红色预警：未按期开工、投资滞后"
    shown = row_notes(lagging.content.decode())
    assert set(shown) == set(expected)
    for name, (note, details) in expected.items():
        assert shown[name][1] == details  # every reason, with its details
        assert note.startswith(shown[name][0].rstrip("…"))  # cut with … only when too long
    on_every = row_notes(every.content.decode())
    assert {name: on_every[name] for name in expected} == shown
    assert "预警" not in on_every["营盘卫生院"][0]  # not due to start: not lagging
    assert "红色预警：未按期开工" in wall_chart and "预警：投资滞后" in wall_chart


def test_a_reporter_sees_only_their_own_units_projects(client, cast):
    a_bridge_and_a_school()
    client.force_login(cast.reporter_of(Project.objects.get(name="城关大桥").unit))

    page = client.get(reverse("timeline"), {"year": 2026, "month": 6}).content.decode()

    assert "城关大桥" in page and "城关中学" not in page


def test_a_bad_filter_value_is_named_and_the_rest_still_shown(client, cast):
    a_bridge_and_a_school()
    client.force_login(cast.leader)

    response = client.get(
        reverse("timeline"), {"year": 2026, "month": 6, "scope": "x", "level": "?"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "该条件未生效" in page and "城关大桥" in page


def test_the_wall_chart_is_a3_landscape_with_the_project_names(client, cast):
    a_bridge_and_a_school()
    client.force_login(cast.leader)

    response = client.get(reverse("timeline_pdf"), {"year": 2026, "month": 6})

    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A3_LANDSCAPE
    text = pdf_text(response.content)
    assert "2026年重点项目节点作战图" in text and "城关大桥" in text and "城关中学" in text
    assert "截至6月底·全部单位·2个项目" in text
    assert filename_of(response["Content-Disposition"]) == "2026年6月节点作战图.pdf"


def test_a_long_wall_chart_runs_over_pages_each_with_the_legend_and_the_months(client, cast):
    size = ROWS_PER_A3 + 5
    load(a_portfolio(size, 2026))
    client.force_login(cast.officer)

    response = client.get(reverse("timeline_pdf"), {"year": 2026, "month": 6})

    reader = PdfReader(io.BytesIO(response.content))
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]
    assert len(pages) == 2
    for text in pages:
        assert "按期完成0" in text and "1月" in text and "12月" in text and "责任单位" in text
    assert all(f"项目{n}" in "".join(pages) for n in (1, size))


def test_the_wall_chart_names_each_unit_whole_and_once_over_its_projects(client, cast):
    """A wall chart reads down a unit's projects: the unit's full name on its first row, not
    cut and not repeated on every row (the page's narrower column cuts it with …)."""
    park = "县产业园区管理委员会"
    load({"项目台账": [PROJECT_HEADERS, *(
        [code(n, 2026), f"园区项目{n}", park, "县重点", "新建", 100, 2026, 50, "2026-01-05"]
        for n in (1, 2, 3)
    ), [code(4, 2026), "城关大桥", "县交通局", "县重点", "新建", 900, 2026, 300, "2026-01-05"]]})  # fmt: skip
    client.force_login(cast.leader)

    wall = pdf_text(client.get(reverse("timeline_pdf"), {"year": 2026, "month": 6}).content)
    page = client.get(reverse("timeline"), {"year": 2026, "month": 6}).content.decode()

    assert wall.count(park) == 1 and wall.count("县交通局") == 1
    assert all(f"园区项目{n}" in wall for n in (1, 2, 3))
    assert page.count("县产业园区…") == 3  # the page: on every row, cut to its narrower column


def units(*sizes: int) -> list[SimpleNamespace]:
    """Rows of units A, B, C … with ``sizes`` projects each, in the chart's order."""
    return [SimpleNamespace(side=chr(65 + u)) for u, size in enumerate(sizes) for _ in range(size)]


def page_units(pages) -> list[str]:
    return ["".join(dict.fromkeys(row.side for row in page)) for page in pages]


def test_a_unit_that_would_run_over_a_full_enough_page_starts_the_next():
    # A fills two thirds of the first page; B would run over: it starts page 2; C, longer than
    # any page, runs on from there
    pages = wall_paged(units(20, 10, ROWS_PER_A3 + 9))

    assert [len(page) for page in pages] == [20, 10 + ROWS_PER_A3 - 10, 19]
    assert page_units(pages) == ["A", "BC", "C"]


def test_a_unit_runs_over_a_page_left_more_than_a_third_empty():
    pages = wall_paged(units(5, FIRST_PAGE_ROWS))

    assert [len(page) for page in pages] == [FIRST_PAGE_ROWS, 5]
    assert page_units(pages) == ["AB", "B"]


def test_an_empty_chart_is_one_page():
    assert wall_paged([]) == [[]]


def test_the_project_page_and_its_one_page_sheet_draw_the_same_chart(client, cast):
    a_bridge_and_a_school()
    bridge = Project.objects.get(name="城关大桥")
    client.force_login(cast.officer)

    with time_machine.travel("2026-07-10 10:00+08:00"):  # June is the period that is due
        page = client.get(reverse("project_detail", args=[bridge.pk])).content.decode()
        sheet = client.get(
            reverse("project_sheet_pdf", args=[bridge.pk]), {"year": 2026, "month": 6}
        )

    chart = timeline_svg(project_timeline(june(), project=bridge))
    assert chart in page
    assert '<span class="tag node-overdue">逾期未完成</span>' in page  # the table says it too
    reader = PdfReader(io.BytesIO(sheet.content))
    assert len(reader.pages) == 1
    text = pdf_text(sheet.content)
    assert "节点作战图截至6月底" in text
    assert "桩基完成逾期未完成计划2026-06-30" in text
    assert "主体开工逾期完成计划2026-04-01实际2026-04-20" in text


def test_a_wall_chart_too_big_to_hang_on_a_wall_asks_to_narrow_it(client, cast, monkeypatch):
    a_bridge_and_a_school()
    monkeypatch.setattr(timeline_views, "WALL_CHART_MAX", 1)
    client.force_login(cast.leader)

    response = client.get(reverse("timeline_pdf"), {"year": 2026, "month": 6}, follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('timeline')}?year=2026&month=6"
    assert "所选范围有2个项目，A3作战图最多1个：请按责任单位、级别或滞后项目筛选后再下载。" in (
        response.content.decode()
    )
    narrowed = client.get(reverse("timeline_pdf"), {"year": 2026, "month": 6, "level": "municipal"})
    assert narrowed["Content-Type"] == "application/pdf"


def test_a_long_set_comes_in_pages_in_the_charts_order(client, cast, monkeypatch):
    a_bridge_and_a_school()
    monkeypatch.setattr(timeline_views, "ROWS_PER_PAGE", 1)
    client.force_login(cast.leader)

    first = client.get(reverse("timeline"), {"year": 2026, "month": 6}).content.decode()
    second = client.get(reverse("timeline"), {"year": 2026, "month": 6, "page": 2}).content.decode()

    assert "城关大桥" in first and "城关中学" not in first and "第1/2页" in first
    assert "城关中学" in second and "城关大桥" not in second


def test_the_rows_follow_the_units_order_the_office_set_not_the_names_code_points(cast):
    """县教育局 before 县交通局 once the office puts it first (单位管理's 排序), though 交 sorts
    before 教 by code point; with one 排序 for both, the names decide."""
    a_bridge_and_a_school()
    plans = AnnualPlan.objects.all()
    as_set = [row.label for row in set_timeline(june(), plans=plans).rows]
    for name, order in (("县教育局", 10), ("县交通局", 20)):
        unit_save(user=cast.admin, unit=Unit.objects.get(name=name), name=name,
                  kind="department", sort_order=order)  # fmt: skip

    assert as_set == ["城关大桥", "城关中学"]  # both 排序 0: by name
    assert [row.label for row in set_timeline(june(), plans=plans).rows] == ["城关中学", "城关大桥"]
