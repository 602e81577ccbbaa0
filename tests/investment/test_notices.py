"""Notices (通报): issued from a ranking, kept as they stood on the day of issue."""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from investment.models import MonthlyReport
from projects.models import Unit, User
from supervision.models import Notice
from supervision.services import finding_create
from tests.investment.test_briefing import pdf_text
from tests.workbooks import a_portfolio, load


@pytest.fixture
def supervisor(client, cast):
    load(a_portfolio(14, 2026))
    user = cast.supervisor
    client.force_login(user)
    return user


def issue(client, action="issue", **values):
    # 我已知悉 ticked: a_portfolio's projects report investment before any start date, which
    # the data-quality rules flag (未开工有投资); the confirmation itself is test_period_due's
    # and test_quality_pages'.
    data = {"period": "month", "year": 2026, "month": 3, "title": "关于1–3月重点项目建设情况的通报",
            "opening": "现将有关情况通报如下。", "action": action,
            "acknowledged": "1"} | values  # fmt: skip
    return client.post(reverse("notice_create"), data)


def test_a_notice_is_previewed_before_it_is_issued(client, supervisor):
    preview = issue(client, action="preview")

    assert preview.status_code == 200 and not Notice.objects.exists()
    page = preview.content.decode()
    assert "预览 · 尚未印发" in page and "关于1–3月重点项目建设情况的通报" in page
    assert "红榜：" in page and "现将有关情况通报如下" in page
    assert 'name="action" value="issue"' in page  # 确认印发 after the preview

    issue(client)
    assert Notice.objects.count() == 1


def test_an_issued_notice_downloads_as_a_pdf_to_stamp(client, supervisor):
    issue(client)
    notice = Notice.objects.get()

    response = client.get(reverse("notice_pdf", args=[notice.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert quote(f"{notice.title}（2026年第1期）.pdf") in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "关于1–3月重点项目建设情况的通报" in text
    assert "2026年第1期" in text and "红榜" in text and "（盖章）" in text


def test_long_lists_are_cut_to_the_worst_twenty_with_their_totals(client, supervisor):
    load(a_portfolio(25, 2026))  # 25 projects, all behind the March schedule

    issue(client)

    content = Notice.objects.get().content
    assert content["lagging_total"] == 25
    assert len(content["lagging"]) == 20
    page = client.get(reverse("notice_detail", args=[Notice.objects.get().pk])).content.decode()
    assert "五、滞后项目（25个）" in page and "列出滞后最多的20个" in page


def test_a_notice_carries_the_red_and_black_lists_and_the_ranking(client, supervisor):
    response = issue(client)

    notice = Notice.objects.get()
    assert response["Location"] == reverse("notice_detail", args=[notice.pk])
    assert notice.number == "2026年第1期"
    content = notice.content
    assert len(content["ranking"]) == 7
    assert len(content["red_list"]) == len(content["black_list"]) == 3
    assert [row["unit"] for row in content["ranking"][:3]] == content["red_list"]
    page = client.get(response["Location"]).content.decode()
    assert "红榜：" in page and "黑榜：" in page and "现将有关情况通报如下" in page
    assert content["red_list"][0] in page


def test_a_notice_lists_overdue_findings_and_lagging_projects(client, supervisor):
    today = timezone.localdate()
    finding_create(
        user=supervisor, unit=Unit.objects.get(name="单位1"), description="逾期未整改的问题",
        found_on=today - timedelta(days=40), today=today, clock="ordinary",
    )  # fmt: skip

    issue(client)

    content = Notice.objects.get().content
    assert [(f["unit"], f["description"], f["escalated"]) for f in content["overdue_findings"]] == [
        ("单位1", "逾期未整改的问题", True)
    ]
    assert f"{today - timedelta(days=33):%Y-%m-%d}" == content["overdue_findings"][0]["deadline"]
    # every project has 1 of 10 万元 by March (10%) against 25%: all 14 lag on investment
    assert len(content["lagging"]) == 14
    assert "投资滞后" in content["lagging"][0]["reasons"][0]


def test_a_notice_keeps_its_figures_when_the_data_changes_later(client, supervisor):
    issue(client)
    before = Notice.objects.get().content
    MonthlyReport.objects.update(amount=10)

    issue(client, title="第二期")

    first, second = Notice.objects.order_by("pk")
    assert first.content == before
    assert second.number == "2026年第2期"
    assert second.content["summary"]["completion_rate"] != before["summary"]["completion_rate"]


def test_a_quarterly_notice_is_chosen_by_its_quarter_and_titled_by_it(client, supervisor):
    response = issue(client, period="quarter", month=5, quarter="", title="")
    assert "季度通报请选择季度" in response.content.decode()
    assert not Notice.objects.exists()

    preview = issue(client, "preview", period="quarter", month=10, quarter=2, title="")
    assert "关于2026年二季度全县重点项目建设情况的通报" in preview.content.decode()

    issue(client, period="quarter", month=10, quarter=2, title="")
    notice = Notice.objects.get()
    assert (notice.period, notice.month) == ("quarter", 6)
    assert notice.title == "关于2026年二季度全县重点项目建设情况的通报"
    assert notice.content["period_label"] == "2026年二季度"

    again = issue(client, "preview", period="quarter", quarter=2, title="")
    assert "本期已印发过通报（2026年第1期）" in again.content.decode()


def test_only_the_supervision_office_issues_notices(client, supervisor, cast):
    for role in (User.Role.OFFICER, User.Role.LEADER, User.Role.ADMIN):
        client.force_login(cast.by_role(role))
        assert issue(client).status_code == 403
    assert not Notice.objects.exists()


def test_a_period_not_yet_due_is_not_ranked_in_a_notice(client, supervisor):
    """On 3 December November's reports are not due until the 5th: no unit owes one yet, so a
    notice ranking November would black-list units for nothing (the walk-through issued one
    whose 黑榜 named the only unit that had reported)."""
    with time_machine.travel(date(2026, 12, 3), tick=False):
        refused = issue(client, month=11, title="")
        quarter = issue(client, period="quarter", quarter=4, title="")
        october = issue(client, month=10, title="")

    page = refused.content.decode()
    assert "2026年11月的报表12月5日才截止，尚未到期" in page
    assert "目前可印发的最近一期是2026年10月" in page
    assert "2026年四季度的报表1月5日才截止" in quarter.content.decode()
    assert october.status_code == 302
    assert list(Notice.objects.values_list("month", flat=True)) == [10]
