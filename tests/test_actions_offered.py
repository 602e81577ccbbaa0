"""A page offers an action exactly when the service allows it.

For each role and each action on a sample object, the page (its link, button or form marked
``data-action="…"``) is compared with the service called inside a rolled-back savepoint:
offered ⇔ the service neither raises PermissionDenied nor ValidationError. A page that offered
what the service refuses (or hid what it allows) fails here, whichever of the two is wrong.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import password_resets as resets
from accounts.services import people
from accounts.services.roles import user_set_role
from batches import services as batches
from batches.models import Batch, BatchEntry
from bonds.models import FundApplication, FundSpending
from bonds.services import fund_attach, fund_save, spending_delete, spending_record
from core.uploads import check_attachment
from investment.models import MonthlyReport, ReportPhoto
from investment.selectors.portfolio import units_not_reported
from investment.services import photos, reports
from investment.services.year_settings import year_settings_save
from ledger.services.importer import import_ledger
from projects.models import Milestone, PasswordResetRequest, Project, Unit, User
from projects.services import register
from projects.services.revisions import project_revise as revise
from projects.services.units import unit_merge
from promotion import services as promotion
from promotion.models import Activity
from supervision import services as supervision
from supervision.models import Finding, Inspection
from tests.builders import ledger, sheet, year_settings
from tests.cast import Cast
from tests.prebuilt import prebuilt
from tests.workbooks import code, xlsx

ROLES = ["reporter", "township", "officer", "supervisor", "leader", "admin", "security",
         "auditor", "none"]  # fmt: skip
TODAY = date(2024, 4, 20)
PDF = b"%PDF-1.4 test"


class Rollback(Exception):
    pass


def allowed(call) -> bool:
    """Whether the service accepts the call; nothing it writes is kept."""
    try:
        with transaction.atomic():
            call()
            raise Rollback
    except Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


@prebuilt
def actions_county() -> None:
    """Two 2024 projects, 甲 of 县住建局 with a sent March report, a milestone, a fund with a
    file and an inspection with two findings (未整改, and 已整改 answered as done), and 乙 of
    营盘镇; one person per role from the cast, and another unit's reporter."""
    cast = Cast()
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
            ],
            "月度投资": [{"项目代码": code(1), "年度": 2024, "月份": 3, "本月完成投资(万元)": 5}],
        }
    )  # fmt: skip
    MonthlyReport.objects.update(status=MonthlyReport.Status.SUBMITTED)
    own = Unit.objects.get(name="县住建局")
    # one person per role from the cast, and another unit's reporter
    users = {role: cast.by_role(role) for role in User.Role.values}
    users["township"] = cast.other_reporter
    project = own_project()
    Milestone.objects.create(project=project, name="施工许可", planned_date=date(2024, 6, 1))
    fund = fund_save(
        user=users["officer"], project=project, fund_type="special_bond", year=2024,
        requested=Decimal(100),
    )  # fmt: skip
    fund_attach(user=users["officer"], application=fund, files=[check_attachment("a.pdf", PDF)])
    inspection = supervision.inspection_save(
        user=users["supervisor"], title="督查", inspected_on=date(2024, 3, 1), projects=[project]
    )
    for description in ("未整改", "已整改"):
        finding = supervision.finding_create(
            user=users["supervisor"], unit=own, description=description, project=project,
            found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 5, 31),
            inspection=inspection,
        )  # fmt: skip
    supervision.finding_answer(
        user=users["reporter"], finding=finding, note="已整改", today=date(2024, 3, 2), done=True
    )
    promotion.activity_save(
        user=users["officer"], unit=own, held_on=date(2024, 3, 8), kind="visit",
        led_by="department", counterpart="华秦新材料科技有限公司", projects=[project],
    )  # fmt: skip


@pytest.fixture
def county(actions_county, cast) -> SimpleNamespace:
    """The prebuilt county's people (one per role, and 营盘镇's reporter), units and project."""
    users = {role: cast.by_role(role) for role in User.Role.values}
    users["township"] = cast.other_reporter
    own, township = Unit.objects.get(name="县住建局"), Unit.objects.get(name="营盘镇")
    return SimpleNamespace(users=users, own=own, township=township, project=own_project())


def reset_asked(county) -> None:
    """The system administrator has asked for a reset of the reporter's password."""
    PasswordResetRequest.objects.create(
        account=county.users["reporter"], requested_by=county.users["admin"]
    )


def reset_asked_then_made_an_administrator(county) -> None:
    reset_asked(county)
    User.objects.filter(username="reporter").update(role=User.Role.AUDITOR, unit=None)


def own_project() -> Project:
    return Project.objects.get(code=code(1))


def report() -> MonthlyReport:
    return MonthlyReport.objects.get()


def activity() -> Activity:
    return Activity.objects.get()


def activity_again(county, user) -> Activity:
    """The sample 招商 visit saved as its edit form shows it."""
    a = activity()
    return promotion.activity_save(
        user=user, activity=a, expected_version=a.version, held_on=a.held_on, kind=a.kind,
        led_by=a.led_by, unit=a.unit, counterpart=a.counterpart, projects=list(a.projects.all()),
    )  # fmt: skip


def finding(description: str) -> Finding:
    return Finding.objects.get(description=description)


@dataclass
class Action:
    page: object  # county → the page's URL
    marker: str  # what the page shows when it offers the action
    service: object  # (county, user) → the service call
    setup: object = None  # county → None, run first (e.g. lock the month)


def month_page(county, user) -> str:
    url = reverse("report_month", args=[2024, 4])
    return url if user.role == User.Role.REPORTER else f"{url}?unit={county.own.pk}"


def lock_march(county) -> None:
    missing = [u.unit_id for u in units_not_reported(year=2024, month=3)]
    reports.period_lock(year=2024, month=3, user=county.users["officer"], confirmed_units=missing)


def stub_form(instance, **cleaned):
    """A valid edit form saved as shown (the service checks who before anything else)."""
    return SimpleNamespace(
        instance=instance,
        cleaned_data={"version": instance.version, **cleaned},
        has_changed=lambda: False,
        changed_data=[],
        save=lambda: instance,
    )


def a_photo(county) -> None:
    """A photo on the sample report (sent: 已报送)."""
    photo = ReportPhoto(report=report(), width=1, height=1)
    photo.image.save("p.jpg", ContentFile(b"jpeg"), save=False)
    photo.thumbnail.save("p.jpg", ContentFile(b"jpeg"), save=False)
    photo.save()


def a_draft_photo(county) -> None:
    a_photo(county)
    MonthlyReport.objects.update(status=MonthlyReport.Status.DRAFT)


def photo_page(county, user) -> str:
    return reverse("report_photos", args=[report().pk])


def delete_photo(county, user) -> None:
    photos.photo_delete(photo=ReportPhoto.objects.get(), user=user)


def review_page(county, user) -> str:
    return reverse("review_month", args=[2024, 3])


def project_page(county, user) -> str:
    return reverse("project_detail", args=[own_project().pk])


def finding_page(description):
    return lambda county, user: reverse("finding_detail", args=[finding(description).pk])


def answer(description):
    return lambda county, user: supervision.finding_answer(
        user=user, finding=finding(description), note="整改中", today=TODAY
    )


def close(description):
    return lambda county, user: supervision.finding_close(
        user=user, finding=finding(description), today=TODAY
    )


def send_back(description):
    return lambda county, user: supervision.finding_send_back(
        user=user, finding=finding(description), reason="不合格"
    )


def move(description):
    return lambda county, user: supervision.finding_move(
        user=user, finding=finding(description), unit=county.township, reason="错派"
    )


def edit(description):
    def call(county, user):
        f = finding(description)
        supervision.finding_edit(
            user=user, finding=f, description=f.description, category=f.category,
            deadline=f.deadline, project=f.project, expected_version=f.version,
        )  # fmt: skip

    return call


def fund() -> FundApplication:
    return FundApplication.objects.get()


def fund_page(county, user) -> str:
    return reverse("fund_detail", args=[fund().pk])


def allocated(county, *, on: date = date(2024, 3, 1)) -> None:
    """The sample fund application: 80 of its 100 万元 下达 on ``on``."""
    f = fund()
    fund_save(
        user=county.users["officer"], application=f, project=f.project, fund_type=f.fund_type,
        year=f.year, requested=f.requested, allocated=Decimal(80), allocated_on=on,
        expected_version=f.version,
    )  # fmt: skip


def allocated_next_month(county) -> None:
    """下达 dated a month from today: no 支出 can be dated yet (from 下达 to today)."""
    allocated(county, on=timezone.localdate() + timedelta(days=30))


def spent(amount: int):
    def setup(county) -> None:
        allocated(county)
        spending_record(
            user=county.users["officer"], application=fund(), spent_on=date(2024, 3, 10),
            amount=Decimal(amount), expected_version=fund().version,
        )  # fmt: skip

    return setup


def record_spending(county, user) -> None:
    """One 万元 paid today (or on the day of 下达, when nothing is 下达 yet)."""
    spending_record(user=user, application=fund(), spent_on=timezone.localdate(),
                    amount=Decimal(1), expected_version=fund().version)  # fmt: skip


def delete_spending(county, user) -> None:
    spending_delete(user=user, entry=FundSpending.objects.get(), expected_version=fund().version)


def a_ledger() -> bytes:
    return xlsx({"项目台账": sheet("项目台账", [{"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"}])})  # fmt: skip


def a_batch(county) -> None:
    """三个一批: a batch listing 甲 (县住建局's) under 签约."""
    batch = batches.batch_save(
        user=county.users["officer"], name="2024年第一期", year=2024, quarter=1
    )
    batches.entries_add(
        user=county.users["officer"], batch=batch, kind="sign", projects=[own_project()]
    )


def batch_page(county, user) -> str:
    return reverse("batch_detail", args=[Batch.objects.get().pk])


def entry() -> BatchEntry:
    return BatchEntry.objects.get()


ACTIONS = {
    "batch.create": Action(
        lambda c, u: reverse("batch_list"),
        'data-action="batch.create"',
        lambda c, u: batches.batch_save(user=u, name="2024年第二期", year=2024, quarter=2),
    ),
    "batch.edit": Action(
        batch_page,
        'data-action="batch.edit"',
        lambda c, u: batches.batch_save(
            user=u,
            batch=(b := Batch.objects.get()),
            name=b.name,
            year=b.year,
            quarter=b.quarter,
            expected_version=b.version,
        ),  # fmt: skip
        setup=a_batch,
    ),
    "batch.list_projects": Action(
        batch_page,
        'data-action="batch.list_projects"',
        lambda c, u: batches.entries_add(
            user=u, batch=Batch.objects.get(), kind="start", projects=[own_project()]
        ),
        setup=a_batch,
    ),
    "batch.entry_edit": Action(
        batch_page,
        'data-action="batch.entry_edit"',
        lambda c, u: batches.entry_save(
            user=u, entry=entry(), target_date=date(2024, 3, 31), expected_version=1
        ),
        setup=a_batch,
    ),
    "batch.entry_remove": Action(
        batch_page,
        'data-action="batch.entry_remove"',
        lambda c, u: batches.entry_remove(user=u, entry=entry()),
        setup=a_batch,
    ),
    "report.enter": Action(
        month_page,
        "report.enter",
        lambda c, u: reports.report_save(
            plan=own_project().plans.get(), month=4, user=u, amount=Decimal(1)
        ),
    ),
    "report.approve": Action(
        review_page,
        "report.approve",
        lambda c, u: reports.report_approve(report=report(), user=u),
    ),
    "report.return": Action(
        review_page,
        "report.return",
        lambda c, u: reports.report_return(report=report(), user=u, reason="请补充"),
    ),
    "report.approve, locked month": Action(
        review_page,
        "report.approve",
        lambda c, u: reports.report_approve(report=report(), user=u),
        setup=lock_march,
    ),
    "period.lock": Action(
        review_page,
        'data-action="period.lock"',
        lambda c, u: reports.period_lock(
            year=2024,
            month=3,
            user=u,
            confirmed_units=[x.unit_id for x in units_not_reported(year=2024, month=3)],
        ),  # fmt: skip
    ),
    "period.unlock": Action(
        review_page,
        'data-action="period.unlock"',
        lambda c, u: reports.period_unlock(year=2024, month=3, user=u, reason="更正"),
        setup=lock_march,
    ),
    "photo.delete": Action(
        photo_page, 'data-action="photo.delete"', delete_photo, setup=a_draft_photo
    ),
    "photo.delete, sent report": Action(
        photo_page, 'data-action="photo.delete"', delete_photo, setup=a_photo
    ),
    "plan.edit": Action(
        project_page,
        'data-action="plan.edit" data-year="2024"',
        lambda c, u: register.plan_update(
            plan=own_project().plans.get(),
            user=u,
            changes={},
            version=own_project().plans.get().version,
        ),  # fmt: skip
    ),
    # A started project: the page offers 替换 with a reason field, and with a reason the
    # service allows it (without one it refuses, saying why: tests/projects/test_replace_started).
    "project.replace, started": Action(
        project_page,
        'data-action="project.replace"',
        lambda c, u: register.project_replace(
            project=own_project(),
            replacement=Project.objects.get(code=code(2)),
            user=u,
            year=2024,
            reason="用地无法落实，经县政府同意替换",
        ),  # fmt: skip
    ),
    "project.edit": Action(
        project_page,
        'data-action="project.edit"',
        lambda c, u: register.project_save(stub_form(own_project()), user=u),
    ),
    # 项目调整: the project page's link to the edit form, where a new 总投资 needs a reason.
    "project.revise": Action(
        project_page,
        'data-action="project.revise"',
        lambda c, u: revise(
            project=own_project(), user=u, total_investment=Decimal(120), reason="概算调整"
        ),
    ),
    "milestone.record": Action(
        lambda c, u: reverse("milestones", args=[own_project().pk]),
        'data-action="milestone.record"',
        lambda c, u: register.milestone_done(
            milestone=Milestone.objects.get(), user=u, actual_date=date(2024, 4, 1)
        ),
    ),
    "milestone.edit": Action(
        lambda c, u: reverse("milestones", args=[own_project().pk]),
        'data-action="milestone.edit"',
        lambda c, u: register.milestone_update(
            milestone=(m := Milestone.objects.get()),
            user=u,
            version=m.version,
            name=m.name,
            kind=m.kind,
            planned_date=m.planned_date,
            actual_date=m.actual_date,
            unit=m.unit,
        ),  # fmt: skip
    ),
    "fund.edit": Action(
        lambda c, u: reverse("fund_detail", args=[FundApplication.objects.get().pk]),
        'data-action="fund.edit"',
        lambda c, u: fund_save(
            user=u,
            application=(f := FundApplication.objects.get()),
            project=f.project,
            fund_type=f.fund_type,
            year=f.year,
            requested=f.requested,
            expected_version=f.version,
        ),  # fmt: skip
    ),
    "fund.attach": Action(
        lambda c, u: reverse("fund_detail", args=[FundApplication.objects.get().pk]),
        'data-action="fund.attach"',
        lambda c, u: fund_attach(
            user=u,
            application=FundApplication.objects.get(),
            files=[check_attachment("b.pdf", PDF)],
        ),  # fmt: skip
    ),
    "fund.spending_add": Action(
        fund_page, 'data-action="fund.spending_add"', record_spending, setup=allocated
    ),
    "fund.spending_add, nothing 下达": Action(
        fund_page, 'data-action="fund.spending_add"', record_spending
    ),
    "fund.spending_add, 下达 dated later": Action(
        fund_page, 'data-action="fund.spending_add"', record_spending, setup=allocated_next_month
    ),
    "fund.spending_add, all of 下达 spent": Action(
        fund_page, 'data-action="fund.spending_add"', record_spending, setup=spent(80)
    ),
    "fund.spending_delete": Action(
        fund_page, 'data-action="fund.spending_delete"', delete_spending, setup=spent(30)
    ),
    "fund.spending_delete, all of 下达 spent": Action(
        fund_page, 'data-action="fund.spending_delete"', delete_spending, setup=spent(80)
    ),
    "finding.answer": Action(
        finding_page("未整改"), 'data-action="finding.answer"', answer("未整改")
    ),
    "finding.answer, rectified": Action(
        finding_page("已整改"), 'data-action="finding.answer"', answer("已整改")
    ),
    "finding.close": Action(finding_page("已整改"), 'data-action="finding.close"', close("已整改")),
    "finding.close, not rectified": Action(
        finding_page("未整改"), 'data-action="finding.close"', close("未整改")
    ),
    "finding.send_back": Action(
        finding_page("已整改"), 'data-action="finding.send_back"', send_back("已整改")
    ),
    "finding.move": Action(finding_page("未整改"), 'data-action="finding.move"', move("未整改")),
    "finding.move, answered": Action(
        finding_page("已整改"), 'data-action="finding.move"', move("已整改")
    ),
    "finding.edit": Action(finding_page("未整改"), 'data-action="finding.edit"', edit("未整改")),
    "inspection.edit": Action(
        lambda c, u: reverse("inspection_detail", args=[Inspection.objects.get().pk]),
        'data-action="inspection.edit"',
        lambda c, u: supervision.inspection_save(
            user=u,
            inspection=(i := Inspection.objects.get()),
            title=i.title,
            inspected_on=i.inspected_on,
            expected_version=i.version,
        ),  # fmt: skip
    ),
    "notice.create": Action(
        lambda c, u: reverse("finding_list"),
        'data-action="notice.create"',
        lambda c, u: supervision.notice_issue(
            user=u, year=2024, period="month", month=3, title="通报", opening="正文", content={}
        ),
    ),
    "promotion.create": Action(
        lambda c, u: reverse("activity_list"),
        'data-action="promotion.create"',
        lambda c, u: promotion.activity_save(
            user=u,
            unit=u.unit or c.own,
            held_on=date(2024, 4, 1),
            kind="visit",
            led_by="department",
            counterpart="中陆智能装备制造有限公司",
        ),  # fmt: skip
    ),
    "promotion.edit": Action(
        lambda c, u: reverse("activity_detail", args=[activity().pk]),
        'data-action="promotion.edit"',
        activity_again,
    ),
    "promotion.delete": Action(
        lambda c, u: reverse("activity_detail", args=[activity().pk]),
        'data-action="promotion.delete"',
        lambda c, u: promotion.activity_delete(
            user=u, activity=activity(), expected_version=activity().version
        ),
    ),
    "ledger.import": Action(
        lambda c, u: reverse("project_list"),
        'data-action="ledger.import"',
        lambda c, u: import_ledger(user=u, data=a_ledger(), filename="台账.xlsx", dry_run=True),
    ),
    "account.reset_password": Action(
        lambda c, u: reverse("people_list") + "?q=newcomer",
        'data-action="account.reset_password"',
        lambda c, u: people.account_reset_password(user=u, target=c.users["none"]),
    ),
    "account.reset_password, business role": Action(
        lambda c, u: reverse("people_list") + "?q=reporter",
        'data-action="account.reset_password"',
        lambda c, u: people.account_reset_password(user=u, target=c.users["reporter"]),
    ),
    "account.reset_password, another administrator": Action(
        lambda c, u: reverse("people_list") + "?q=security",
        'data-action="account.reset_password"',
        lambda c, u: people.account_reset_password(user=u, target=c.users["security"]),
    ),
    "account.request_reset": Action(
        lambda c, u: reverse("people_list") + "?q=reporter",
        'data-action="account.request_reset"',
        lambda c, u: resets.password_reset_request(user=u, target=c.users["reporter"]),
    ),
    "account.request_reset, one pending": Action(
        lambda c, u: reverse("people_list") + "?q=reporter",
        'data-action="account.request_reset"',
        lambda c, u: resets.password_reset_request(user=u, target=c.users["reporter"]),
        setup=lambda c: reset_asked(c),
    ),
    "account.request_reset, no role": Action(
        lambda c, u: reverse("people_list") + "?q=newcomer",
        'data-action="account.request_reset"',
        lambda c, u: resets.password_reset_request(user=u, target=c.users["none"]),
    ),
    "account.request_reset, another administrator": Action(
        lambda c, u: reverse("people_list") + "?q=auditor",
        'data-action="account.request_reset"',
        lambda c, u: resets.password_reset_request(user=u, target=c.users["auditor"]),
    ),
    "account.withdraw_reset": Action(
        lambda c, u: reverse("people_list") + "?q=reporter",
        'data-action="account.withdraw_reset"',
        lambda c, u: resets.password_reset_withdraw(
            user=u, reset=PasswordResetRequest.objects.get()
        ),
        setup=lambda c: reset_asked(c),
    ),
    "reset.confirm": Action(
        lambda c, u: reverse("security_users"),
        'data-action="reset.confirm"',
        lambda c, u: resets.password_reset_confirm(
            user=u, reset=PasswordResetRequest.objects.get()
        ),
        setup=lambda c: reset_asked(c),
    ),
    "reset.confirm, made an administrator meanwhile": Action(
        lambda c, u: reverse("security_users"),
        'data-action="reset.confirm"',
        lambda c, u: resets.password_reset_confirm(
            user=u, reset=PasswordResetRequest.objects.get()
        ),
        setup=reset_asked_then_made_an_administrator,
    ),
    "reset.reject": Action(
        lambda c, u: reverse("security_users"),
        'data-action="reset.reject"',
        lambda c, u: resets.password_reset_reject(user=u, reset=PasswordResetRequest.objects.get()),
        setup=lambda c: reset_asked(c),
    ),
    "account.disable": Action(
        lambda c, u: reverse("people_list") + "?q=reporter",
        'data-action="account.disable"',
        lambda c, u: people.account_set_active(user=u, target=c.users["reporter"], active=False),
    ),
    "account.disable, own account": Action(
        lambda c, u: reverse("people_list") + f"?q={u.username}",
        'data-action="account.disable"',
        lambda c, u: people.account_set_active(user=u, target=u, active=False),
    ),
    "account.disable, another administrator": Action(
        lambda c, u: reverse("people_list") + "?q=security",
        'data-action="account.disable"',
        lambda c, u: people.account_set_active(user=u, target=c.users["security"], active=False),
    ),
    "account.enable, another administrator": Action(
        lambda c, u: reverse("people_list") + "?q=auditor",
        'data-action="account.enable"',
        lambda c, u: people.account_set_active(user=u, target=c.users["auditor"], active=True),
        setup=lambda c: User.objects.filter(username="auditor").update(is_active=False),
    ),
    "security.change": Action(
        lambda c, u: reverse("security_users") + "?q=reporter",
        'data-action="security.change"',
        lambda c, u: user_set_role(
            actor=u,
            target=c.users["reporter"],
            role=User.Role.REPORTER,
            unit=c.township,
            is_active=True,
        ),
    ),
    "security.change, another administrator": Action(
        lambda c, u: reverse("security_users") + "?q=admin",
        'data-action="security.change"',
        lambda c, u: user_set_role(
            actor=u, target=c.users["admin"], role=User.Role.ADMIN, unit=None, is_active=False
        ),
    ),
    "unit.merge": Action(
        lambda c, u: reverse("unit_list"),
        'data-action="unit.merge"',
        lambda c, u: unit_merge(source=c.township, target=c.own, user=u),
    ),
    "briefing.write_note": Action(
        lambda c, u: reverse("briefing") + "?kind=month&year=2024&month=3",
        'data-action="briefing.write_note"',
        lambda c, u: reports.briefing_note_save(
            user=u, year=2024, period="month", month=3, next_steps="下步工作"
        ),
    ),
    "year.configure": Action(
        lambda c, u: reverse("project_list"),  # the menu's 年度设置
        'data-action="year.configure"',
        lambda c, u: year_settings_save(
            year=2024, user=u, **year_settings(due_day=6), expected_version=0
        ),
    ),
}


def offered(client, user, url: str, marker: str) -> bool:
    client.force_login(user)
    response = client.get(url)
    return response.status_code == 200 and marker in response.content.decode()


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_page_offers_what_the_service_allows(client, county, name):
    action = ACTIONS[name]
    if action.setup:
        action.setup(county)
    marker = action.marker
    if marker == "report.enter":  # one line of the month page: the sample plan row's
        marker = f'data-action="{marker}" data-plan="{own_project().plans.get().pk}"'
    elif "data-action" not in marker:  # one row of a list: the sample report's own form
        marker = f'data-action="{marker}" data-report="{report().pk}"'
    pages, services = {}, {}
    for role in ROLES:
        user = county.users[role]
        pages[role] = offered(client, user, action.page(county, user), marker)
        services[role] = allowed(lambda: action.service(county, user))  # noqa: B023
    assert pages == services
    assert any(services.values()) or name in REFUSED_TO_ALL, f"nobody may {name}"


# Actions no role may take on the sample object (its state refuses them): the test still
# proves that no page offers them.
REFUSED_TO_ALL = {
    "fund.spending_add, nothing 下达",
    "fund.spending_add, 下达 dated later",
    "fund.spending_add, all of 下达 spent",
    "photo.delete, sent report",
    "report.approve, locked month",
    "finding.answer, rectified",
    "finding.close, not rectified",
    "finding.move, answered",
    "account.reset_password, another administrator",
    "account.reset_password, business role",  # a request instead (account.request_reset)
    "account.request_reset, one pending",
    "account.request_reset, no role",  # reset at once instead
    "account.request_reset, another administrator",
    "reset.confirm, made an administrator meanwhile",
    "account.disable, own account",
    "account.disable, another administrator",
    "account.enable, another administrator",
    "security.change, another administrator",
}
