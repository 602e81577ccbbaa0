"""三个一批's pages: the batches with their rates at the period shown, a batch's projects by kind,
the office's forms; the dashboard's card, the project page's listings, the quarterly briefing's
section and its workbook. A unit's reporter reads their own unit's only."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from batches.models import Batch, BatchEntry, Kind
from investment.documents.briefing import briefing_data
from investment.rules.periods import Period
from projects.models import Unit
from tests import builders
from tests.batches.helpers import a_batch, listed, projects
from tests.investment.test_briefing import pdf_text
from tests.workbooks import read_back

JUNE = {"year": 2026, "month": 6}


@pytest.fixture(autouse=True)
def frozen():
    # 20 July: June is the period that is due (due day 5)
    with time_machine.travel("2026-07-20 10:00+08:00", tick=False):
        yield


def a_second_quarter(officer) -> Batch:
    """2026年第二期: two 签约 (one signed in May, 县住建局's; one not, 营盘镇's), one 开工 started
    on 30 June (县住建局's), nothing under 投产."""
    batch = a_batch(officer)
    signed, waiting, started = projects(
        [{"签约日期": date(2026, 5, 8)}, {}, {"实际开(复)工日期": date(2026, 6, 30)}]
    )
    listed(officer, batch, Kind.SIGN, [signed, waiting], target=date(2026, 6, 30))
    listed(officer, batch, Kind.START, [started], target=date(2026, 6, 15))
    return batch


def page(client, user, url, query=None) -> str:
    client.force_login(user)
    response = client.get(url, query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_each_batchs_rates_at_the_period_that_is_due(client, cast):
    a_second_quarter(cast.officer)

    shown = page(client, cast.leader, reverse("batch_list"))

    assert "截至2026年6月30日" in shown
    assert "2026年第二期" in shown
    assert '50.0% <small class="muted">1/2</small>' in shown  # 签约率
    assert '100.0% <small class="muted">1/1</small>' in shown  # 开工率, on the period end


def test_both_pages_state_which_start_date_counts(client, cast):
    """开工率's 口径 (batches/rules.py): the earliest 实际开(复)工日期 of the project's plan rows, on
    or before the end of the month shown."""
    batch = a_second_quarter(cast.officer)

    for url in (reverse("batch_list"), reverse("batch_detail", args=[batch.pk])):
        shown = page(client, cast.leader, url, {"year": 2026, "month": 5})
        assert (
            "开工日期取项目各年度计划中最早填写的实际开(复)工日期，在2026年5月31日或之前即为已开工"
            in shown
        )


def test_a_day_before_the_start_the_may_figures_say_so(client, cast):
    batch = a_second_quarter(cast.officer)

    shown = page(
        client, cast.leader, reverse("batch_detail", args=[batch.pk]), {"year": 2026, "month": 5}
    )

    assert "截至2026年5月31日" in shown
    assert '0.0% <small class="muted">0/1</small>' in shown  # 开工率 at the end of May
    assert "未开工" in shown and "已过目标日期" not in shown.split("开工一批")[1]


def test_a_batchs_page_lists_its_projects_by_kind_with_what_each_achieved(client, cast):
    batch = a_second_quarter(cast.officer)

    shown = page(client, cast.officer, reverse("batch_detail", args=[batch.pk]), JUNE)

    signing, starting, producing = (
        shown.split("签约一批")[1],
        shown.split("开工一批")[1],
        shown.split("投产一批")[1],
    )
    assert "已签约</span> 2026-05-08" in signing and "未签约" in signing
    assert "已开工</span> 2026-06-30" in starting and "晚于目标日期" in starting
    assert "未列入“投产”的项目，投产率显示“—”" in producing
    assert 'data-action="batch.list_projects"' in shown


def test_a_reporter_reads_their_own_units_listings_only(client, cast):
    batch = a_second_quarter(cast.officer)
    other = a_batch(cast.officer, name="2026年第三期", quarter=3)
    listed(cast.officer, other, Kind.SIGN, projects([{}], start=8))  # 营盘镇's only

    listing = page(client, cast.reporter, reverse("batch_list"), JUNE)
    shown = page(client, cast.reporter, reverse("batch_detail", args=[batch.pk]), JUNE)

    assert "2026年第二期" in listing and "2026年第三期" not in listing
    assert "本单位" in shown and "营盘镇" not in shown and "项目2" not in shown
    assert 'data-action="batch.list_projects"' not in shown
    client.force_login(cast.reporter)
    assert client.get(reverse("batch_detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("name", ["batch_list", "batch_detail"])
def test_a_pages_queries_do_not_grow_with_the_projects(client, cast, name):
    batch = a_batch(cast.officer)

    def queries() -> int:
        client.force_login(cast.officer)
        url = reverse(name, args=[batch.pk] if name == "batch_detail" else [])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, JUNE).status_code == 200
        return len(captured)

    listed(cast.officer, batch, Kind.SIGN, projects([{"签约日期": date(2026, 5, 1)}]))
    small = queries()
    for index, kind in enumerate(Kind):
        listed(cast.officer, batch, kind, projects([{}] * 6, start=10 + 10 * index))
    a_batch(cast.officer, name="2026年第三期", quarter=3)
    large = queries()

    assert large == small


def test_the_batch_form_refuses_what_it_cannot_keep_in_chinese(client, cast):
    client.force_login(cast.officer)

    response = client.post(reverse("batch_create"), {"name": "", "year": "2026", "quarter": "5"})

    shown = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项。" in shown
    assert "选择一个有效的选项。 5 不在可用的选项中。" in shown
    assert not Batch.objects.exists()


def test_the_dashboard_and_the_project_page_show_the_batches(client, cast):
    batch = a_second_quarter(cast.officer)
    signed = BatchEntry.objects.get(kind=Kind.SIGN, project__signed_on__isnull=False).project

    dashboard = page(client, cast.leader, reverse("dashboard"), JUNE)
    project = page(client, cast.leader, reverse("project_detail", args=[signed.pk]))

    assert "2026年三个一批" in dashboard and reverse("batch_detail", args=[batch.pk]) in dashboard
    assert "三个一批" in project and "已签约</span> 2026-05-08" in project


def test_the_quarterly_briefing_states_the_rates_and_its_workbook_holds_them(client, cast):
    a_second_quarter(cast.officer)
    client.force_login(cast.leader)
    query = {"kind": "quarter", "year": 2026, "quarter": 2, "acknowledged": 1}

    text = pdf_text(client.get(reverse("briefing_pdf"), query).content)
    sheet = read_back(client.get(reverse("briefing_batches_xlsx"), query).content)["三个一批"]

    assert "（六）三个一批" in text
    assert (
        "2026年第二期签约率50.0%（列入2个，已完成1个），开工率100.0%（列入1个，已完成1个），投产率—（未列入项目）"
        in text
    )
    assert sheet[0][:7] == ("期次", "年度", "季度", "责任单位", "列入签约", "已签约", "签约率(%)")
    assert sheet[1][:7] == ("2026年第二期", 2026, "二季度", "全县", 2, 1, 50)
    # 投产率: none listed, the cell left blank (—); a reader may drop a row's trailing blanks
    assert (*sheet[1], None)[10:13] == (0, 0, None)


def test_the_briefing_lists_under_each_batch_only_the_units_with_a_project_in_it(client, cast):
    second = a_second_quarter(cast.officer)  # 县住建局's and 营盘镇's projects
    first = a_batch(cast.officer, name="2026年第一期", quarter=1)
    housing = second.entries.get(kind=Kind.START).project  # 县住建局's, started 30 June
    listed(cast.officer, first, Kind.START, [housing], target=date(2026, 3, 31))
    client.force_login(cast.leader)
    query = {"kind": "quarter", "year": 2026, "quarter": 2, "acknowledged": 1}

    sheet = read_back(client.get(reverse("briefing_batches_xlsx"), query).content)["三个一批"]

    names = (first.name, second.name)
    units = {name: [row[3] for row in sheet[1:] if row[0] == name] for name in names}
    assert units == {first.name: ["全县", "县住建局"], second.name: ["全县", "县住建局", "营盘镇"]}


def test_a_month_briefing_has_no_batches_section(client, cast):
    a_second_quarter(cast.officer)
    client.force_login(cast.leader)

    text = pdf_text(
        client.get(reverse("briefing_pdf"), {"kind": "month", **JUNE, "acknowledged": 1}).content
    )

    assert "三个一批" not in text


def test_the_list_offers_the_years_workbook_to_those_who_read_briefings(client, cast):
    a_second_quarter(cast.officer)

    leader = page(client, cast.leader, reverse("batch_list"), JUNE)
    reporter = page(client, cast.reporter, reverse("batch_list"), JUNE)
    client.force_login(cast.leader)
    sheet = read_back(
        client.get(reverse("briefing_batches_xlsx"), {"kind": "month", **JUNE}).content
    )["三个一批"]

    assert "导出2026年（Excel）" in leader and "导出2026年" not in reporter
    assert [row[3] for row in sheet[1:]] == ["全县", "县住建局", "营盘镇"]


def test_a_batch_or_a_target_saved_unchanged_says_nothing_was_changed(client, cast):
    """As 预警规则 and 上报模板 say it: nothing written, and the clerk is told so."""
    batch = a_second_quarter(cast.officer)
    entry = batch.entries.get(kind=Kind.START)
    client.force_login(cast.officer)
    as_shown = {"version": batch.version, "name": batch.name, "year": batch.year,
                "quarter": batch.quarter, "note": batch.note}  # fmt: skip
    target = {"version": entry.version, "target_date": "2026-06-15"}

    batch_unchanged = client.post(reverse("batch_edit", args=[batch.pk]), as_shown, follow=True)
    target_unchanged = client.post(
        reverse("batch_entry_edit", args=[entry.pk]), target, follow=True
    )
    moved = client.post(
        reverse("batch_entry_edit", args=[entry.pk]), target | {"target_date": "2026-06-20"},
        follow=True,
    )  # fmt: skip

    assert "期次“2026年第二期”没有改动，未保存新版本。" in batch_unchanged.content.decode()
    assert "目标日期没有改动，未保存新版本。" in target_unchanged.content.decode()
    assert "目标日期已保存。" in moved.content.decode()
    assert BatchEntry.objects.get(pk=entry.pk).target_date == date(2026, 6, 20)


def test_a_project_listed_under_several_kinds_reads_them_in_the_batchs_order(client, cast):
    """签约, 开工, 投产, as 三个一批 says them, on the batch's page and the project's."""
    batch = a_batch(cast.officer)
    (project,) = projects([{}])
    for kind in (Kind.PRODUCE, Kind.START, Kind.SIGN):
        listed(cast.officer, batch, kind, [project], target=date(2026, 6, 30))

    shown = page(client, cast.leader, reverse("project_detail", args=[project.pk]))

    kinds = [shown.index(f'<td data-label="类别">{word}</td>') for word in ("签约", "开工", "投产")]
    assert kinds == sorted(kinds)


def rate_rows(shown: str) -> list[list[str]]:
    """The rates table's rows (unit, 签约率, 开工率, 投产率) as text."""
    body = shown.split('class="table stacked rates"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row] for row in cells]


def test_a_batchs_rates_list_the_units_it_lists_a_total_and_how_many_others_it_leaves_out(
    client, cast
):
    batch = a_second_quarter(cast.officer)  # 县住建局's and 营盘镇's projects
    builders.project({"责任单位": "县档案馆", "项目代码": "2026-DA-001"}, listed=False)
    Unit.objects.create(name="县地震局")  # no project at all: not counted either

    shown = page(client, cast.officer, reverse("batch_detail", args=[batch.pk]), JUNE)

    assert rate_rows(shown) == [
        ["县住建局", "100.0% 1/1", "100.0% 1/1", "—"],
        ["营盘镇", "0.0% 0/1", "—", "—"],
        ["合计", "50.0% 1/2", "100.0% 1/1", "—"],
    ]
    assert "其余1个有项目的单位本期次未列入项目，不在表中。" in shown


def test_the_list_the_dashboard_and_the_briefing_order_batches_alike(client, cast):
    """The year's batches in the order they were issued (第一期 first), the latest year first."""
    for name, year, quarter in [("2026年第三期", 2026, 3), ("2025年第四期", 2025, 4),
                                ("2026年第一期", 2026, 1), ("2026年第二期", 2026, 2)]:  # fmt: skip
        listed(cast.officer, a_batch(cast.officer, name=name, year=year, quarter=quarter),
               Kind.SIGN, projects([{}], start=10 * quarter + year % 10))  # fmt: skip

    def order(shown: str, names: list[str]) -> list[str]:
        return sorted(names, key=shown.index)

    names = ["2026年第一期", "2026年第二期", "2026年第三期", "2025年第四期"]
    listing = page(client, cast.leader, reverse("batch_list"), JUNE)
    dashboard = page(client, cast.leader, reverse("dashboard"), JUNE)  # through the 2nd quarter
    briefing = briefing_data(Period.of(2026, 6, kind="quarter"))
    assert order(listing, names) == names
    assert order(dashboard.split('id="batches"')[1], names[:2]) == names[:2]
    assert [r.batch.name for r in briefing.batches] == names[:2]


def test_the_picker_marks_and_holds_back_projects_already_listed(client, cast):
    batch = a_second_quarter(cast.officer)
    signed = BatchEntry.objects.filter(kind=Kind.SIGN).first().project

    shown = page(client, cast.officer, reverse("batch_entries_add", args=[batch.pk]))

    box = re.search(rf'<input[^>]*name="projects" value="{signed.pk}"[^>]*>', shown)[0]
    label = shown.split(box)[1].split("</label>")[0]
    assert "本期已列入签约" in label
    assert 'data-disabled-when="kind=sign"' in box  # not offered while 签约 is chosen
    others = re.findall(r'<input[^>]*name="projects"[^>]*>', shown)
    assert sum("data-disabled-when" in other for other in others) == 3  # the batch's three


def test_listing_again_under_the_same_kind_is_refused_by_name(client, cast):
    batch = a_second_quarter(cast.officer)
    signed = BatchEntry.objects.filter(kind=Kind.SIGN).first().project
    client.force_login(cast.officer)

    response = client.post(reverse("batch_entries_add", args=[batch.pk]),
                           {"kind": "sign", "projects": [signed.pk]})  # fmt: skip

    assert f"{signed.name}已列入本期次的“签约”，未重复列入。" in response.content.decode()
    assert BatchEntry.objects.filter(batch=batch, project=signed).count() == 1


def test_listing_a_started_project_under_start_says_it_counts_as_started(client, cast):
    batch = a_batch(cast.officer)
    started, waiting = projects([{"实际开(复)工日期": date(2026, 3, 5)}, {}])
    client.force_login(cast.officer)

    response = client.post(reverse("batch_entries_add", args=[batch.pk]),
                           {"kind": "start", "projects": [started.pk, waiting.pk]}, follow=True)  # fmt: skip

    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "已列入2个项目。",
        f"提示：“{started.name}”已于2026-03-05开工，列入本期次“开工”即计为已开工；如不应列入，可在期次页面移出。",
    ]


def test_a_target_date_before_the_batchs_year_is_refused_on_the_form(client, cast):
    batch = a_batch(cast.officer)
    some = projects([{}])
    client.force_login(cast.officer)

    response = client.post(reverse("batch_entries_add", args=[batch.pk]),
                           {"kind": "sign", "projects": [some[0].pk], "target_date": "2025-12-31"})  # fmt: skip

    assert "目标日期2025-12-31早于期次所在的2026年" in response.content.decode()
    assert not BatchEntry.objects.exists()


def test_removing_a_listing_asks_first(client, cast):
    batch = a_second_quarter(cast.officer)

    shown = page(client, cast.officer, reverse("batch_detail", args=[batch.pk]), JUNE)

    assert shown.count('data-confirm="将“') == 3
    assert "js/confirm.js" in shown
