"""Recording fund applications: the lifecycle's amounts and dates, roles, and refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from bonds.models import FundApplication, FundStatus
from bonds.services import fund_attach, fund_save
from core.uploads import check_attachment
from projects.models import User
from tests import builders


@pytest.fixture
def office(cast):
    return cast.officer


@pytest.fixture
def project(cast):
    """老旧小区改造 of 县住建局 (the cast's housing unit), registered and on no list yet."""
    return builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "总投资(万元)": 5000}, listed=False
    )


def save(user, project, **values):
    return fund_save(
        user=user, project=project, fund_type="special_bond", year=2026,
        requested=values.pop("requested", Decimal(1000)), **values,
    )  # fmt: skip


def test_an_application_follows_its_lifecycle_and_derives_its_status(office, project):
    application = save(office, project, applied_on=date(2026, 1, 10))
    assert application.status == FundStatus.APPLIED

    application = save(
        office, project, application=application, approved=Decimal(800),
        approved_on=date(2026, 3, 1), allocated=Decimal(600), allocated_on=date(2026, 4, 1),
        spent=Decimal(150), spent_on=date(2026, 6, 30), applied_on=date(2026, 1, 10),
    )  # fmt: skip

    application.refresh_from_db()
    assert application.status == FundStatus.SPENT
    assert (application.requested, application.approved, application.allocated, application.spent) == (
        Decimal(1000), Decimal(800), Decimal(600), Decimal(150),
    )  # fmt: skip
    assert application.updated_by == office
    assert FundApplication.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"approved": Decimal(1200)}, "批复金额（1,200.00万元）不能大于申报金额（1,000.00万元）"),
        ({"approved": Decimal(800), "allocated": Decimal(900)}, "下达金额（900.00万元）不能大于批复金额（800.00万元）"),
        ({"approved": Decimal(800), "allocated": Decimal(300), "spent": Decimal(350)},
         "支出金额（350.00万元）不能大于下达金额（300.00万元）"),
        ({"approved_on": date(2026, 3, 1)}, "填写了批复日期，但未填写批复金额"),
        ({"applied_on": date(2026, 3, 1), "approved": Decimal(5), "approved_on": date(2026, 2, 1)},
         "批复日期（2026-02-01）不能早于申报日期（2026-03-01）"),
        ({"status": "rejected", "approved": Decimal(5)}, "未获批"),
        ({"requested": Decimal(-1)}, "申报金额不能为负数"),
        ({"requested": Decimal("1.00001")}, "最多保留4位小数"),
    ],
)  # fmt: skip
def test_amounts_and_dates_out_of_order_are_refused_with_the_reason(
    office, project, values, message
):
    with pytest.raises(ValidationError) as error:
        save(office, project, **values)
    assert any(message in text for text in error.value.messages)
    assert not FundApplication.objects.exists()


def test_a_refused_update_leaves_the_application_as_it_was(office, project):
    application = save(office, project, approved=Decimal(800), allocated=Decimal(300))
    with pytest.raises(ValidationError, match="支出金额"):
        save(office, project, application=application, approved=Decimal(800),
             allocated=Decimal(300), spent=Decimal(350))  # fmt: skip
    application.refresh_from_db()
    assert (application.spent, application.status) == (None, FundStatus.ALLOCATED)


def test_a_leader_or_a_reporter_cannot_change_funds(office, project, cast):
    for role in (User.Role.LEADER, User.Role.REPORTER, User.Role.SUPERVISOR):
        user = cast.by_role(role)  # the reporter is the project's own unit's
        with pytest.raises(PermissionDenied):
            save(user, project)
        with pytest.raises(PermissionDenied):
            fund_attach(user=user, application=save(office, project, batch=role), files=[])
    assert set(FundApplication.objects.values_list("batch", flat=True)) == {
        "leader", "reporter", "supervisor",
    }  # fmt: skip


def test_the_same_batch_twice_is_a_clear_error(office, project):
    save(office, project, batch="第一批")
    with pytest.raises(ValidationError, match="批次"):
        save(office, project, batch="第一批")
    assert FundApplication.objects.count() == 1


def test_the_database_itself_refuses_a_spent_amount_above_the_allocated_one(office, project):
    application = save(office, project, approved=Decimal(800), allocated=Decimal(300))
    with pytest.raises(IntegrityError), transaction.atomic():
        FundApplication.objects.filter(pk=application.pk).update(spent=Decimal(301))


def test_attachments_are_kept_with_the_application(office, project):
    application = save(office, project)
    saved = fund_attach(
        user=office, application=application,
        files=[check_attachment("批复文件.pdf", b"%PDF-1.7 ...")],
    )  # fmt: skip
    assert [(f.name, f.size, f.uploaded_by) for f in saved] == [("批复文件.pdf", 12, office)]
    assert application.files.count() == 1
