"""Every download carries a Chinese file name that says what it is and for which period,
sent as RFC 6266 Content-Disposition with an RFC 5987 ``filename*`` (core/filenames.py)."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core import filenames
from core.filenames import filename_of
from projects.models import Project
from tests.workbooks import a_small_county, code


@pytest.fixture
def office(client, cast):
    a_small_county([[code(1), 2024, 3, 120]])
    user = cast.officer
    client.force_login(user)
    return user


def download_name(response) -> str:
    assert response.status_code == 200, response.status_code
    disposition = response["Content-Disposition"]
    name = filename_of(disposition)
    assert disposition == f"attachment; filename*=utf-8''{quote(name)}"
    return name


PERIOD = {"year": 2024, "month": 3}


@pytest.mark.parametrize(
    ("url", "query", "name"),
    [
        ("ledger_export", {"year": 2024}, "2024年重点项目台账.xlsx"),
        ("ledger_export", {}, "重点项目台账.xlsx"),
        ("ledger_template", {}, "重点项目台账模板.xlsx"),
        ("rankings", {**PERIOD, "format": "xlsx"}, "2024年3月考核排名.xlsx"),
        ("lag_warnings", {**PERIOD, "format": "xlsx"}, "2024年3月滞后预警项目.xlsx"),
        ("board", {**PERIOD, "format": "xlsx"}, "2024年3月挂图作战表.xlsx"),
        ("overruns", {**PERIOD, "format": "xlsx"}, "2024年3月超概算超工期项目.xlsx"),
        ("fund_list", {"format": "xlsx"}, "资金申报台账.xlsx"),
    ],
)
def test_each_excel_download_has_a_chinese_name(client, office, url, query, name):
    assert download_name(client.get(reverse(url), query)) == name


def test_the_findings_export_is_named_with_the_day(client, office):
    response = client.get(reverse("finding_list"), {"format": "xlsx"})

    assert download_name(response) == f"督查问题清单_{timezone.localdate():%Y-%m-%d}.xlsx"


def test_the_monthly_briefing_and_the_project_sheet_have_chinese_names(client, office):
    briefing = client.get(reverse("briefing_pdf"), {"kind": "month", **PERIOD, "acknowledged": 1})
    project = Project.objects.get(code=code(1))
    sheet = client.get(reverse("project_sheet_pdf", args=[project.pk]), PERIOD)

    assert download_name(briefing) == "2024年3月重点项目月度简报.pdf"
    assert download_name(sheet) == f"项目一页纸_{code(1)}_2024年3月.pdf"


def test_the_audit_trail_keeps_the_chinese_name_of_a_download(client, office):
    client.get(reverse("ledger_export"), {"year": 2024})

    entry = AuditEntry.objects.get(category=AuditEntry.Category.DOWNLOAD)
    assert entry.detail == "2024年重点项目台账.xlsx"


def test_the_audit_log_export_has_a_chinese_name(client, cast):
    client.force_login(cast.auditor)

    assert (
        download_name(client.get(reverse("audit_log"), {"format": "xlsx"})) == "安全审计日志.xlsx"
    )


@pytest.mark.parametrize(
    ("kind", "month", "name"),
    [
        ("month", 11, "2026年11月重点项目月度简报.pdf"),
        ("quarter", 9, "2026年三季度重点项目季度简报.pdf"),
        ("year", 12, "2026年重点项目年度简报.pdf"),
    ],
)
def test_the_briefing_name_says_its_period(kind, month, name):
    assert filenames.briefing(year=2026, month=month, kind=kind) == name


def test_an_ascii_name_is_read_back_too():
    assert filename_of('attachment; filename="report.pdf"') == "report.pdf"
