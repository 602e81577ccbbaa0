"""管理照片's 删除: a draft's or returned report's photo can be deleted by its unit's reporter (or
the office), with history; a sent or approved report's photos, and a locked month's, stay."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image

from audit.models import AuditEntry
from investment.models import MonthlyReport, ReportPhoto
from investment.services import reports as services
from investment.services.photos import photo_add, photo_delete
from projects.models import AnnualPlan
from tests.builders import ledger
from tests.workbooks import code

Status = MonthlyReport.Status


def a_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo(cast, settings, tmp_path):
    """县住建局's March 2024 report, a draft, with one photo."""
    settings.MEDIA_ROOT = tmp_path
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
            ]
        }
    )  # fmt: skip
    plan = AnnualPlan.objects.get()
    report = services.report_save(plan=plan, month=3, user=cast.reporter, amount=Decimal(5))
    return photo_add(report=report, user=cast.reporter, data=a_jpeg(), caption="基础施工")


def files_of(photo) -> list[str]:
    return [photo.image.name, photo.thumbnail.name]


def stored(names) -> list[bool]:
    return [default_storage.exists(name) for name in names]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
def test_the_reporter_deletes_a_photo_of_a_draft_or_returned_report(
    cast, photo, status, django_capture_on_commit_callbacks
):
    MonthlyReport.objects.update(status=status)
    names = files_of(photo)
    assert stored(names) == [True, True]

    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=photo, user=cast.reporter)

    assert not ReportPhoto.objects.exists()
    assert stored(names) == [False, False]


def test_the_history_names_who_deleted_it(cast, photo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=photo, user=cast.reporter)

    deleted = ReportPhoto.history.filter(id=photo.pk).order_by("history_id").last()
    assert (deleted.history_type, deleted.history_user, deleted.caption) == (
        "-", cast.reporter, "基础施工",
    )  # fmt: skip


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_it_refuses_to_delete_a_photo_of_a_sent_or_approved_report(cast, photo, status):
    MonthlyReport.objects.update(status=status)
    label = Status(status).label

    with pytest.raises(ValidationError) as refused:
        photo_delete(photo=photo, user=cast.reporter)

    assert refused.value.messages == [f"该报表{label}，照片不能删除；如需更正请先由项目办退回。"]
    assert ReportPhoto.objects.get() == photo
    assert stored(files_of(photo)) == [True, True]


def test_it_refuses_a_locked_month(cast, photo):
    services.period_lock(year=2024, month=3, user=cast.officer, confirmed_units=[cast.housing.pk])
    MonthlyReport.objects.update(status=Status.DRAFT)

    with pytest.raises(ValidationError, match="2024年3月已锁定，照片不能删除"):
        photo_delete(photo=photo, user=cast.reporter)


def test_another_units_reporter_is_refused(cast, photo):
    with pytest.raises(PermissionDenied):
        photo_delete(photo=photo, user=cast.other_reporter)
    assert ReportPhoto.objects.exists()


def test_a_leader_is_refused(cast, photo):
    with pytest.raises(PermissionDenied):
        photo_delete(photo=photo, user=cast.leader)


def test_the_files_stay_when_the_deletion_is_rolled_back(
    cast, photo, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        photo_delete(photo=photo, user=cast.reporter)
        raise RuntimeError("a later step failed")

    assert callbacks == []
    assert ReportPhoto.objects.get() == photo
    assert stored(files_of(photo)) == [True, True]


def test_the_page_offers_delete_on_a_draft_and_deletes_with_an_audit_entry(
    client, cast, photo, django_capture_on_commit_callbacks
):
    client.force_login(cast.reporter)
    page_url = reverse("report_photos", args=[photo.report_id])
    assert 'data-action="photo.delete"' in client.get(page_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("photo_delete", args=[photo.pk]), follow=True)

    assert "照片已删除" in response.content.decode()
    assert not ReportPhoto.objects.exists()
    entry = AuditEntry.objects.get(action="删除进度照片")
    assert entry.detail == f"删除{code(1)}2024年3月进度照片“基础施工”"
    # The second time: the photo is gone, the same form is a 404, nothing else changes.
    assert client.post(reverse("photo_delete", args=[photo.pk])).status_code == 404


def test_the_page_of_a_sent_report_offers_no_delete_and_a_forged_post_is_refused(
    client, cast, photo
):
    services.report_submit(report=photo.report, user=cast.reporter)
    client.force_login(cast.reporter)
    page_url = reverse("report_photos", args=[photo.report_id])
    assert 'data-action="photo.delete"' not in client.get(page_url).content.decode()

    response = client.post(reverse("photo_delete", args=[photo.pk]), follow=True)

    assert "该报表已报送，照片不能删除" in response.content.decode()
    assert ReportPhoto.objects.exists()
    assert AuditEntry.objects.get(action="删除进度照片").outcome == "refused"


def test_another_units_photo_is_not_found(client, cast, photo):
    client.force_login(cast.other_reporter)

    assert client.post(reverse("photo_delete", args=[photo.pk])).status_code == 404
    assert ReportPhoto.objects.exists()
