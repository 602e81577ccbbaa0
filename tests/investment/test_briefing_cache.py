"""The briefing PDF is laid out once and then kept under the data version
(`investment.selectors.figure_cache`), the period asked and its day: a second download is the
same file without WeasyPrint, and every kind of write, the office's 下步工作打算 and the next day
give a new file at once, the one a fresh layout gives."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from core.pdf import render_pdf
from investment.documents import briefing as briefing_module
from investment.models import MonthlyReport
from investment.selectors import figure_cache
from projects.models import AnnualPlan
from tests.investment.test_briefing import pdf_text
from tests.workbooks import REPORT_HEADERS, a_small_county, code, load

# the writes commit, as a request's do: the version moves on after the commit
pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2024, 4, 3)  # March is being reported (due 5 April); its 报送 window is open
BEIJING = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: the county's day
MARCH = {"kind": "month", "year": 2024, "month": 3, "acknowledged": "1"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def laid_out(monkeypatch) -> list[str]:
    """The templates WeasyPrint was asked to lay out, one entry a layout."""
    seen: list[str] = []

    def counted(template: str, context: dict) -> bytes:
        seen.append(template)
        return render_pdf(template, context)

    monkeypatch.setattr(briefing_module, "render_pdf", counted)
    return seen


def signed_in(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)  # before the briefing is read: a sign-in writes too
    return client


def downloaded(client: Client, query: dict = MARCH) -> bytes:
    response = client.get(reverse("briefing_pdf"), query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_a_second_download_is_the_same_file_without_laying_it_out_again(cast, laid_out):
    a_small_county([[code(n), 2024, 1, 10] for n in (1, 2, 3)])
    leader, office = signed_in(cast.leader), signed_in(cast.officer)

    first = downloaded(leader)
    assert laid_out == ["briefing/briefing.html"]
    assert downloaded(leader) == first
    assert downloaded(office) == first  # not the viewer's: the county's one briefing
    assert len(laid_out) == 1
    quarter = downloaded(leader, {**MARCH, "kind": "quarter"})  # 一季度: another period
    assert len(laid_out) == 2 and quarter != first
    assert "2024年一季度全县重点项目建设情况的汇报" in pdf_text(quarter)


def test_each_kind_of_write_gives_a_new_file_at_once(cast, laid_out):
    a_small_county([[code(n), 2024, 1, 10] for n in (1, 2, 3)])
    leader, office = signed_in(cast.leader), signed_in(cast.officer)
    reporter = signed_in(cast.reporter)
    plan = AnnualPlan.objects.filter(project__code=code(1)).get()
    said = []

    def changed_by(doing) -> None:
        """``doing`` written and committed, the next download is laid out anew: the file a
        layout with nothing kept gives (the cache cleared), not the one kept before."""
        before = downloaded(leader)
        layouts = len(laid_out)
        assert downloaded(leader) == before and len(laid_out) == layouts, "kept"
        doing()
        now = downloaded(leader)
        assert len(laid_out) == layouts + 1, doing.__doc__
        caches["figures"].clear()
        assert downloaded(leader) == now, doing.__doc__
        said.append(pdf_text(now))

    def sent_through_the_form():
        """March's report of 城关污水处理厂 saved and sent (报送) through the unit's month page."""
        reporter.post(
            reverse("report_month", args=[2024, 3]),
            {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "action": "submit",
             "form-0-plan": plan.pk, "form-0-amount": "50", "form-0-progress": "主体施工"},
        )  # fmt: skip

    def approved():
        """The office approves it from 报表审核 (the figures stay: a sent report counts)."""
        report = MonthlyReport.objects.get(plan=plan, month=3)
        office.post(reverse("report_approve", args=[report.pk]))

    def imported():
        """营盘公路改建's February report imported through the ledger."""
        load({"月度投资": [REPORT_HEADERS, [code(3), 2024, 2, 30]]})

    def next_steps_written():
        """The office writes March's 下步工作打算 on the briefing page."""
        office.post(reverse("briefing"), {**MARCH, "next_steps": "一是抓开工；二是抓入统。"})

    def updated_in_bulk():
        """A queryset's update(): no model saved, no signal sent."""
        AnnualPlan.objects.filter(project__code=code(2)).update(planned_investment=600)

    for doing in (sent_through_the_form, approved, imported, next_steps_written, updated_in_bulk):
        changed_by(doing)
    assert "完成投资80万元" in said[0]  # 3 × 10 in January, 50 in March
    assert "完成投资80万元" in said[1]  # approved: the sent report counted already
    assert "完成投资110万元" in said[2]  # and 30 in February
    assert "一是抓开工；二是抓入统。" in said[3]
    assert "年度计划投资1,400万元" in said[4]  # 500 + 600 + 300


def test_the_next_day_s_download_is_laid_out_anew_with_its_date(cast, laid_out):
    a_small_county([[code(n), 2024, 1, 10] for n in (1, 2, 3)])
    with time_machine.travel(datetime(2024, 4, 3, 23, 57, tzinfo=BEIJING), tick=False):
        leader = signed_in(cast.leader)
        version = figure_cache.current()
        first = downloaded(leader)
        assert downloaded(leader) == first and len(laid_out) == 1  # kept within the day
        today = pdf_text(first)
    with time_machine.travel(datetime(2024, 4, 4, 0, 3, tzinfo=BEIJING), tick=False):
        tomorrow = pdf_text(downloaded(leader))  # six minutes on: the same session, still kept
        assert figure_cache.current() == version  # nothing written in between

    assert len(laid_out) == 2
    assert "重点项目办编制·2024年4月3日" in today
    assert "重点项目办编制·2024年4月4日" in tomorrow
