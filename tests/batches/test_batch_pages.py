"""三个一批's pages: the batches with their rates at the period shown, a batch's projects by kind,
the office's forms; the dashboard's card, the project page's listings, the quarterly briefing's
section and its workbook. A unit's reporter reads their own unit's only."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from batches.models import Batch, BatchEntry, Kind
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
