"""The 督查督办 pages through the real views: lists, a finding's page, answers with files."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from supervision.models import Evidence, Finding, Inspection
from supervision.services import finding_answer, inspection_save, notice_issue
from tests.supervision.builders import a_finding, people_of
from tests.workbooks import read_back

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def people(cast):
    return people_of(cast)


def records(people, count: int, batch: str) -> None:
    """``count`` findings, inspections and notices, each finding answered once, and one
    finding never answered, 20 days old: on the escalation list at either size."""
    today = timezone.localdate()
    a_finding(people, description=f"逾期{batch}", found_on=today - timedelta(days=20), today=today)
    for serial in range(count):
        unit = people["housing"] if serial % 2 else people["township"]
        inspection = inspection_save(
            user=people["supervisor"], title=f"督查{batch}{serial}", inspected_on=today
        )
        finding = a_finding(
            people, unit=unit, description=f"问题{batch}{serial}",
            found_on=today - timedelta(days=serial), today=today, inspection=inspection,
        )  # fmt: skip
        reporter = people["reporter"] if serial % 2 else people["township_reporter"]
        finding_answer(user=reporter, finding=finding, note="整改中", today=today)
        notice_issue(
            user=people["supervisor"], year=2026, period="month", month=1,
            title=f"通报{batch}{serial}", opening="正文", content={},
        )  # fmt: skip


def test_the_list_highlights_overdue_findings_and_lists_escalations(client, people):
    today = timezone.localdate()
    a_finding(people, description="逾期的问题", found_on=today - timedelta(days=20), today=today)
    a_finding(people, description="新问题", found_on=today)
    client.force_login(people["supervisor"])

    page = client.get(reverse("finding_list")).content.decode()

    assert "逾期未销号" in page and "县领导督办" in page
    assert page.count('class="overdue-row"') == 1
    overdue_only = client.get(reverse("finding_list"), {"when": "overdue"}).content.decode()
    assert "逾期的问题" in overdue_only and "新问题" not in overdue_only


def test_a_reporter_sees_only_their_units_findings(client, people):
    a_finding(people, description="住建局的问题")
    a_finding(people, description="营盘镇的问题", unit=people["township"])
    client.force_login(people["reporter"])

    page = client.get(reverse("finding_list")).content.decode()

    assert "住建局的问题" in page and "营盘镇的问题" not in page


@pytest.mark.parametrize("url", ["finding_list", "inspection_list", "notice_list"])
def test_the_lists_take_the_same_queries_at_any_size(client, people, url):
    client.force_login(people["supervisor"])
    records(people, 3, "a")
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url)).status_code == 200
    records(people, 40, "b")
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(url)).status_code == 200
    assert len(large) == len(small)


def test_the_unit_answers_with_evidence_through_the_page(client, people):
    finding = a_finding(people, found_on=timezone.localdate())
    client.force_login(people["reporter"])

    response = client.post(
        reverse("finding_answer", args=[finding.pk]),
        {
            "note": "许可证已核发",
            "done": "on",
            "files": [
                SimpleUploadedFile("许可证.pdf", PDF),
                SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nxxxx"),
            ],
        },
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RECTIFIED
    assert sorted(Evidence.objects.values_list("name", flat=True)) == ["照片.png", "许可证.pdf"]
    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert "许可证.pdf" in page and "等待督查办验收" in page


def test_a_disguised_file_is_refused_and_nothing_is_written(client, people):
    finding = a_finding(people, found_on=timezone.localdate())
    client.force_login(people["reporter"])

    response = client.post(
        reverse("finding_answer", args=[finding.pk]),
        {
            "note": "整改完成",
            "files": [
                SimpleUploadedFile("许可证.pdf", PDF),
                SimpleUploadedFile("照片.pdf", b"<html><script>alert(1)</script>"),
            ],
        },
        follow=True,
    )

    assert "照片.pdf”的内容与扩展名不符" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    assert not Evidence.objects.exists()
    assert finding.events.count() == 1


def test_a_refused_file_keeps_what_the_clerk_typed(client, people):
    """The note and the 申请销号 tick come back as typed; only the files must be chosen again."""
    finding = a_finding(people, found_on=timezone.localdate())
    client.force_login(people["reporter"])

    response = client.post(
        reverse("finding_answer", args=[finding.pk]),
        {"note": "围挡已重新设置，扬尘整改完成", "done": "on",
         "files": [SimpleUploadedFile("照片.pdf", b"<html></html>")]},
    )  # fmt: skip

    assert response.status_code == 200
    page = response.content.decode()
    assert "照片.pdf”的内容与扩展名不符" in page
    assert "围挡已重新设置，扬尘整改完成</textarea>" in page
    assert "checked" in page.split('name="done"')[1].split(">")[0]  # 申请销号 still ticked
    assert "所选附件未保存，需重新选择" in page
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("宏.docx", b"PK\x03\x04broken", "已损坏"),
        ("程序.exe", b"MZ\x90\x00", "格式不支持"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_bad_evidence_files_get_a_clear_message(client, people, name, data, message):
    finding = a_finding(people, found_on=timezone.localdate())
    client.force_login(people["reporter"])
    response = client.post(
        reverse("finding_answer", args=[finding.pk]),
        {"note": "整改", "files": [SimpleUploadedFile(name, data)]},
        follow=True,
    )
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_downloaded_as_an_attachment_within_scope(client, people):
    finding = a_finding(people, found_on=timezone.localdate())
    client.force_login(people["reporter"])
    client.post(
        reverse("finding_answer", args=[finding.pk]),
        {"note": "已整改", "files": [SimpleUploadedFile("许可证.pdf", PDF)]},
    )
    evidence = Evidence.objects.get()

    response = client.get(reverse("evidence_file", args=[evidence.pk]))

    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(people["township_reporter"])
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404


def test_the_supervisor_closes_out_and_sends_back_through_the_page(client, people):
    today = timezone.localdate()
    first = a_finding(people, description="一", found_on=today)
    second = a_finding(people, description="二", found_on=today)
    for finding in (first, second):
        finding_answer(user=people["reporter"], finding=finding, note="已整改", today=today, done=True)  # fmt: skip
    client.force_login(people["supervisor"])

    client.post(reverse("finding_close", args=[first.pk]), {"note": "验收合格"})
    client.post(reverse("finding_send_back", args=[second.pk]), {"reason": "资料不全"})
    refused = client.post(
        reverse("finding_send_back", args=[first.pk]), {"reason": "x"}, follow=True
    )

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.closed_on) == (Finding.Status.CLOSED, today)
    assert second.status == Finding.Status.IN_PROGRESS
    assert "该问题已销号" in refused.content.decode()


@pytest.mark.parametrize(
    ("url", "data", "error"),
    [
        ("finding_send_back", {"reason": "  "}, "请填写退回原因。"),
        ("finding_send_back", {"reason": "缺" * 2001}, "退回原因不能超过2000字（现有2001字）。"),
        ("finding_close", {"note": "合" * 2001}, "验收意见不能超过2000字（现有2001字）。"),
    ],
)
def test_send_back_and_close_refuse_what_their_forms_do_not_take(client, people, url, data, error):
    today = timezone.localdate()
    finding = a_finding(people, description="一", found_on=today)
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=today, done=True)
    client.force_login(people["supervisor"])

    page = client.post(reverse(url, args=[finding.pk]), data, follow=True).content.decode()

    finding.refresh_from_db()
    assert error in page
    assert finding.status == Finding.Status.RECTIFIED  # nothing done, nothing dropped


def test_the_supervisor_records_an_inspection_and_assigns_a_finding(client, people):
    client.force_login(people["supervisor"])
    response = client.post(
        reverse("inspection_create"),
        {"title": "专项督查", "inspected_on": "2026-03-02", "inspectors": "王明"},
    )
    inspection_url = response["Location"]
    inspection_pk = int(inspection_url.rstrip("/").rsplit("/", 1)[1])

    response = client.post(
        reverse("finding_create"),
        {
            "unit": people["housing"].pk,
            "inspection": inspection_pk,
            "description": "扬尘治理不到位",
            "category": "other",
            "found_on": "2026-03-02",
            "clock": "ordinary",
        },
    )

    finding = Finding.objects.get()
    assert response["Location"] == reverse("finding_detail", args=[finding.pk])
    assert (finding.inspection_id, finding.deadline) == (inspection_pk, date(2026, 3, 9))
    assert "扬尘治理不到位" in client.get(inspection_url).content.decode()


def test_a_finding_form_without_a_deadline_says_what_is_missing(client, people):
    client.force_login(people["supervisor"])
    response = client.post(
        reverse("finding_create"),
        {"unit": people["housing"].pk, "description": "问题", "category": "other",
         "found_on": "2026-03-02", "clock": ""},
    )  # fmt: skip
    assert "请填写整改时限" in response.content.decode()
    assert not Finding.objects.exists()


def test_the_leaders_dashboard_lists_findings_escalated_to_them(client, people):
    today = timezone.localdate()
    a_finding(
        people, description="拖了很久的问题", found_on=today - timedelta(days=30), today=today
    )
    client.force_login(people["leader"])

    page = client.get(reverse("dashboard")).content.decode()

    assert "县领导督办事项" in page and "拖了很久的问题" in page


def test_the_finding_list_exports_its_filter_to_excel_within_the_users_scope(client, people):
    today = timezone.localdate()
    a_finding(people, description='=HYPERLINK("http://x")', found_on=today - timedelta(days=40))
    a_finding(people, unit=people["township"], description="征迁未完成", found_on=today)
    client.force_login(people["supervisor"])

    data = client.get(reverse("finding_list"), {"when": "overdue", "format": "xlsx"}).content

    sheet = read_back(data)["督查问题"]
    assert sheet[0][:3] == ("责任单位", "问题描述", "问题类别") and "是否逾期" in sheet[0]
    assert len(sheet) == 2  # the filter holds: only the overdue one
    assert sheet[1][1] == '=HYPERLINK("http://x")' and sheet[1][9] == "是"
    assert openpyxl.load_workbook(io.BytesIO(data))["督查问题"]["B2"].data_type == "s"  # text
    client.force_login(people["township_reporter"])
    sheet = read_back(client.get(reverse("finding_list"), {"format": "xlsx"}).content)["督查问题"]
    assert [row[1] for row in sheet[1:]] == ["征迁未完成"]  # their own unit's only


def test_an_inspection_saved_unchanged_writes_nothing(people):
    supervisor = people["supervisor"]
    projects = [
        Project.objects.create(code=f"ZJ-{n}", name=f"项目{n}", unit=people["housing"],
                               total_investment=100)
        for n in (1, 2)
    ]  # fmt: skip
    inspection = inspection_save(
        user=supervisor, title="一季度督查", inspected_on=date(2024, 3, 20), projects=projects
    )
    version, history = inspection.version, inspection.history.count()

    inspection_save(
        user=supervisor, inspection=inspection, expected_version=version, title="一季度督查",
        inspected_on=date(2024, 3, 20), projects=projects,
    )  # fmt: skip
    assert (Inspection.objects.get().version, inspection.history.count()) == (version, history)

    inspection_save(
        user=supervisor, inspection=inspection, expected_version=version, title="一季度督查",
        inspected_on=date(2024, 3, 20), projects=projects[:1],
    )  # fmt: skip
    assert Inspection.objects.get().version == version + 1  # the projects changed: a new version
