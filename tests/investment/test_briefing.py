"""The leaders' briefing PDF: seed 004's sections, filled with the seeds' own figures."""

import gc
import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from core import pdf
from core.pdf import AppFetcher, RefusedFetch, cyclic_gc_paused
from investment.documents.briefing import briefing_data
from investment.models import BriefingNote, MonthlyReport
from investment.rules.periods import Period
from investment.services.photos import photo_add
from projects.models import Project, Unit
from supervision.services import finding_create
from tests.flags import examine_every_flag
from tests.investment.test_portfolio_summary import zhashui_may_ledger, zhongjiang_q1_ledger
from tests.workbooks import a_portfolio, load


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks removed, as a reader would search it."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def briefing(tmp_path, *args) -> str:
    path = tmp_path / "简报.pdf"
    call_command("briefing", *args, "-o", str(path), stdout=io.StringIO())
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    return pdf_text(data)


def test_the_first_quarter_briefing_prints_the_seed_002_figures(tmp_path):
    load(zhongjiang_q1_ledger())

    text = briefing(tmp_path, "--year", "2024", "--quarter", "1")

    assert "2024年一季度全县重点项目建设情况的汇报" in text
    assert "共安排重点建设项目72个" in text
    assert "占年度计划的30.8%" in text
    assert "超序时进度5.8个百分点" in text
    assert "6个省重点项目完成投资16.2亿元，占年度计划43.4%" in text
    assert "66个市重点项目完成投资33.3亿元，占年度计划27.0%" in text


def test_the_may_briefing_prints_the_seed_001_figures(tmp_path):
    load(zhashui_may_ledger())

    text = briefing(tmp_path, "--year", "2024", "--month", "5")

    assert "截至5月底，完成投资43.0亿元，占年度计划的37.3%" in text
    assert "年度计划投资115.4亿元" in text
    assert "已开（复）工项目86个，开复工率90.5%" in text


def test_a_year_without_data_still_renders_and_says_so(tmp_path):
    text = briefing(tmp_path, "--year", "2031", "--annual")

    assert "2031年度全县重点项目建设情况的汇报" in text
    assert "2031年尚无重点项目计划数据" in text
    assert "下步工作打算" not in text  # left out, never a placeholder, until the office writes it


def test_the_briefing_has_every_section_of_seed_004_in_order(tmp_path):
    load(a_portfolio(14, 2026))
    BriefingNote.objects.create(year=2026, period="month", month=3, next_steps="一是抓开工。")

    text = briefing(tmp_path, "--year", "2026", "--month", "3")

    sections = ["一、工作进展情况", "扎实推进项目建设", "项目开复工", "做细做实项目前期",
                "全力争取资金", "二、存在问题", "部分项目推进滞后", "督查问题整改不到位",
                "三、考核排名", "红榜：", "黑榜：", "四、下步工作打算"]  # fmt: skip
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)
    assert "第1页/共" in text  # page numbers in the footer


def test_the_command_refuses_unclear_periods(tmp_path):
    with pytest.raises(CommandError, match="请在 --month、--quarter、--annual 中选择一项"):
        briefing(tmp_path, "--year", "2026")
    with pytest.raises(CommandError, match="季度应为1–4"):
        briefing(tmp_path, "--year", "2026", "--quarter", "5")
    with pytest.raises(CommandError, match=r"\.pdf"):
        call_command("briefing", "--year", "2026", "--month", "1", "-o", str(tmp_path / "x.txt"))


def test_the_office_writes_the_next_steps_and_leaders_download_them(client, tmp_path, cast):
    load(a_portfolio(7, 2026))
    examine_every_flag(cast.officer)  # (未开工有投资: a_portfolio's projects have no start)
    client.force_login(cast.officer)
    client.post(
        reverse("briefing"),
        {"kind": "month", "year": 2026, "month": 3, "next_steps": "一是抓开工；二是抓入统。"},
    )
    client.force_login(cast.leader)

    response = client.get(reverse("briefing_pdf"), {"kind": "month", "year": 2026, "month": 3})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "一是抓开工；二是抓入统。" in pdf_text(response.content)
    refused = client.post(
        reverse("briefing"), {"kind": "month", "year": 2026, "month": 3, "next_steps": "改"}
    )
    assert refused.status_code == 403


def test_a_link_without_a_period_kind_downloads_the_monthly_briefing(client, cast):
    client.force_login(cast.leader)

    response = client.get(reverse("briefing_pdf"), {"year": 2031, "month": 5})

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert "2031年1–5月全县重点项目建设情况的汇报" in pdf_text(response.content)


def test_a_quarterly_briefing_is_chosen_by_quarter_whatever_month_the_form_still_shows(
    client, cast
):
    client.force_login(cast.officer)

    page = client.get(
        reverse("briefing"), {"kind": "quarter", "year": 2026, "month": 11, "quarter": 2}
    ).content.decode()

    assert "2026年二季度" in page and 'class="error"' not in page
    assert "kind=quarter&amp;year=2026&amp;month=6" in page  # the download link
    response = client.get(reverse("briefing_pdf"), {"kind": "quarter", "year": 2026, "month": 6})
    assert "2026年二季度全县重点项目建设情况的汇报" in pdf_text(response.content)


def test_the_project_sheet_has_the_projects_figures(client, cast):
    load(a_portfolio(3, 2026))
    client.force_login(cast.officer)
    project = Project.objects.get(name="项目1")
    response = client.get(
        reverse("project_sheet_pdf", args=[project.pk]), {"year": 2026, "month": 3}
    )

    text = pdf_text(response.content)
    assert "项目1" in text and project.code in text and "单位1" in text
    assert "年度完成率10.0%" in text  # 1 of 10 万元
    assert "没有未销号的督查问题" in text


def test_the_briefing_names_the_twenty_furthest_behind_and_counts_the_rest(tmp_path):
    load(a_portfolio(25, 2024))  # each 1 of 10 万元 by June: 40 points behind
    MonthlyReport.objects.filter(plan__project__name="项目25").delete()  # 50 points behind

    data = briefing_data(Period.of(2024, 6))
    assert (data.lagging_total, len(data.lagging)) == (25, 20)
    assert data.lagging[0].progress.name == "项目25"

    text = briefing(tmp_path, "--year", "2024", "--month", "6")
    assert (
        "共有滞后项目25个（红色预警25个、黄色预警0个），"
        "其中滞后最多的20个如下（全部清单见系统“滞后预警”）" in text
    )
    assert "红色预警" in text.split("滞后原因")[1]  # each row's mark
    assert text.index("项目25") < text.index("项目1")


def test_the_briefing_takes_the_same_queries_at_any_size():
    def count(size: int, year: int) -> int:
        load(a_portfolio(size, year))
        with CaptureQueriesContext(connection) as queries:
            briefing_data(Period.of(year, 3))
        return len(queries)

    assert count(10, 2025) == count(120, 2026)


def test_the_pdf_fetches_only_our_own_static_files():
    fetcher = AppFetcher()
    css = fetcher.fetch("http://app.invalid/static/css/pdf.css")
    assert b"WenQuanYi Micro Hei" in css.read()
    for url in ("http://example.com/logo.png", "file:///etc/passwd",
                "http://app.invalid/static/../config/settings.py"):  # fmt: skip
        with pytest.raises(RefusedFetch):
            fetcher.fetch(url)


def test_a_pdf_is_laid_out_with_the_cyclic_collector_off_and_it_is_on_again_after(monkeypatch):
    seen = []

    class FailingLayout:  # WeasyPrint's place: notes the collector, then fails as a layout may
        def __init__(self, **options):
            pass

        def write_pdf(self):
            seen.append(gc.isenabled())
            raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf, "HTML", FailingLayout)
    with pytest.raises(RuntimeError):
        pdf.render_pdf("briefing/briefing.html", {})

    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_already_off_is_left_off_for_whoever_turned_it_off():
    gc.disable()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_project_sheet_shows_the_latest_photo_and_open_findings(client, cast):
    load(a_portfolio(3, 2026))
    project = Project.objects.get(name="项目1")
    reporter = cast.reporter_of(project.unit)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#2b6cb0").save(buffer, format="JPEG")
    report = MonthlyReport.objects.get(plan__project=project)
    photo_add(report=report, user=reporter, data=buffer.getvalue(), caption="主体施工")
    finding_create(
        user=cast.supervisor, unit=Unit.objects.get(name="单位1"),
        description="脚手架不规范", found_on=date(2026, 3, 2), today=date(2026, 3, 2),
        deadline=date(2026, 3, 20), project=project,
    )  # fmt: skip
    client.force_login(reporter)

    response = client.get(
        reverse("project_sheet_pdf", args=[project.pk]), {"year": 2026, "month": 3}
    )

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert len(reader.pages[0].images) == 1
    text = pdf_text(response.content)
    assert "最新进度照片：主体施工" in text and "脚手架不规范" in text


@pytest.mark.parametrize("query", [{"year": "99999", "month": "3"}, {"year": "x", "month": "-1"}])
def test_a_project_sheet_with_a_nonsense_period_falls_back_to_the_default(client, query, cast):
    load(a_portfolio(1, 2026))
    client.force_login(cast.officer)
    project = Project.objects.get()

    response = client.get(reverse("project_sheet_pdf", args=[project.pk]), query)

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_the_project_page_offers_the_sheet_for_any_month_opening_at_the_period_due(client, cast):
    import time_machine

    load(a_portfolio(3, 2026))
    client.force_login(cast.officer)
    project = Project.objects.get(name="项目1")
    with time_machine.travel("2026-12-02 10:00+08:00"):  # October is the period that is due
        page = client.get(reverse("project_detail", args=[project.pk])).content.decode()

    assert f'action="{reverse("project_sheet_pdf", args=[project.pk])}"' in page
    assert 'name="year" value="2026"' in page and '<option value="10" selected>' in page
