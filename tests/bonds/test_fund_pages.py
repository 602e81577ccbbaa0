"""Fund pages: the office records and updates an application; errors in Chinese; scope."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bonds.models import FundApplication, FundAttachment
from tests import builders


@pytest.fixture
def project(cast):
    """老旧小区改造 of 县住建局 (the cast's housing unit), registered and on no list yet."""
    return builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "总投资(万元)": 5000}, listed=False
    )


@pytest.fixture
def office(client, cast):
    user = cast.officer
    client.force_login(user)
    return user


def form(project, **values) -> dict:
    return {"project": project.pk, "fund_type": "special_bond", "year": 2026,
            "requested": "1000", "batch": "第一批"} | values  # fmt: skip


def test_the_office_records_an_application_and_sees_its_progress(client, office, project):
    response = client.post(
        reverse("fund_create"), form(project, approved="800", allocated="600", spent="150")
    )
    application = FundApplication.objects.get()
    assert response["Location"] == reverse("fund_detail", args=[application.pk])

    page = client.get(response["Location"]).content.decode()
    assert "已支出" in page and "25.0%" in page  # 支出进度 = 150 / 600


def test_a_spent_amount_above_the_allocated_one_is_refused_on_the_form(client, office, project):
    response = client.post(reverse("fund_create"), form(project, allocated="300", spent="350"))

    assert "支出金额（350.00万元）不能大于下达金额（300.00万元）" in response.content.decode()
    assert not FundApplication.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [({"requested": "一千"}, "请填写数字"), ({"requested": "-5"}, "不能为负数"),
     ({"requested": ""}, "这个字段是必填项")],
)  # fmt: skip
def test_bad_amounts_get_a_message_a_clerk_understands(client, office, project, values, message):
    response = client.post(reverse("fund_create"), form(project, **values))
    assert message in response.content.decode()
    assert not FundApplication.objects.exists()


def test_editing_keeps_the_key_and_updates_the_steps(client, office, project):
    client.post(reverse("fund_create"), form(project))
    application = FundApplication.objects.get()

    client.post(reverse("fund_edit", args=[application.pk]), form(project, approved="900"))

    application.refresh_from_db()
    assert (application.approved, application.status) == (Decimal(900), "approved")


def test_attachments_are_checked_and_served_as_downloads(client, office, project):
    client.post(reverse("fund_create"), form(project))
    application = FundApplication.objects.get()
    url = reverse("fund_attach", args=[application.pk])

    client.post(url, {"files": [SimpleUploadedFile("批复.pdf", b"%PDF-1.4 x")]})
    refused = client.post(
        url, {"files": [SimpleUploadedFile("批复2.pdf", b"GIF89a")]}, follow=True
    ).content.decode()

    attachment = FundAttachment.objects.get()
    assert "内容与扩展名不符" in refused
    response = client.get(reverse("fund_file", args=[attachment.pk]))
    assert response["Content-Disposition"].startswith("attachment")


def test_the_dashboard_shows_the_years_fund_figures(client, office, project):
    client.post(reverse("fund_create"), form(project, approved="800", allocated="600", spent="150"))
    page = client.get(reverse("dashboard"), {"year": 2026, "month": 10}).content.decode()
    assert "2026年资金申报" in page and "1,000.00" in page and "25.0%" in page
