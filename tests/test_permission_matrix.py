"""Every URL × every role, with the status each must get. A URL without a row fails here."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bonds.models import FundApplication, FundAttachment
from bonds.services import fund_attach, fund_save
from investment.models import MonthlyReport, ReportPhoto
from projects.models import Milestone, Project, Unit, User
from projects.uploads import check_attachment
from supervision.models import Evidence, Finding, Inspection, Notice
from supervision.services import finding_answer, finding_create, inspection_save, notice_issue
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load

ROLES = [
    "anonymous", "reporter", "officer", "supervisor", "leader", "admin", "security", "auditor",
    "none",
]  # fmt: skip


def row(
    anonymous, reporter, officer, supervisor, leader, admin, *, security=403, auditor=403, none=403
):
    """The security and audit administrators (三员) see none of the business pages unless told,
    and an account no role has been granted yet (未授权) sees none either."""
    statuses = [anonymous, reporter, officer, supervisor, leader, admin, security, auditor, none]
    return dict(zip(ROLES, statuses, strict=True))


# (url name, what the arguments point at, method): statuses by role
MATRIX = {
    ("login", None, "get"): row(200, 200, 200, 200, 200, 200, security=200, auditor=200, none=200),
    ("logout", None, "get"): row(405, 405, 405, 405, 405, 405, security=405, auditor=405, none=405),
    ("password_change", None, "get"): row(
        302, 200, 200, 200, 200, 200, security=200, auditor=200, none=200
    ),
    ("password_change", None, "post"): row(
        302, 200, 200, 200, 200, 200, security=200, auditor=200, none=200
    ),
    ("dashboard", None, "get"): row(
        302, 200, 200, 200, 200, 200, security=302, auditor=302, none=302
    ),
    ("account_pending", None, "get"): row(
        302, 302, 302, 302, 302, 302, security=302, auditor=302, none=200
    ),
    ("project_list", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("project_detail", "own project", "get"): row(302, 200, 200, 200, 200, 200),
    ("project_detail", "other unit's project", "get"): row(302, 404, 200, 200, 200, 200),
    ("report_current", None, "get"): row(302, 302, 302, 302, 302, 302),
    ("report_month", "month", "get"): row(302, 200, 200, 200, 200, 200),
    ("review_current", None, "get"): row(302, 403, 302, 302, 302, 302),
    ("review_month", "month", "get"): row(302, 403, 200, 200, 200, 200),
    ("period_lock", "month", "get"): row(302, 403, 200, 403, 403, 403),
    ("period_lock", "month", "post"): row(302, 403, 302, 403, 403, 403),
    ("period_unlock", "month", "get"): row(302, 405, 405, 405, 405, 405),
    ("period_unlock", "month", "post"): row(302, 403, 302, 403, 403, 403),
    ("reports_return_unit", "month", "post"): row(302, 403, 302, 403, 403, 403),
    ("report_approve", "report", "post"): row(302, 403, 302, 403, 403, 403),
    ("report_return", "report", "post"): row(302, 403, 302, 403, 403, 403),
    ("reports_approve", "month", "post"): row(302, 403, 302, 403, 403, 403),
    ("project_create", None, "get"): row(302, 403, 200, 403, 403, 403),
    ("project_edit", "own project", "get"): row(302, 403, 200, 403, 403, 403),
    ("plan_add", "own project", "get"): row(302, 403, 200, 403, 403, 403),
    ("project_replace", "own project", "get"): row(302, 403, 200, 403, 403, 403),
    ("plan_edit", "own plan", "get"): row(302, 200, 200, 403, 403, 403),
    ("plan_edit", "other unit's plan", "get"): row(302, 404, 200, 403, 403, 403),
    ("report_photos", "report", "get"): row(302, 200, 200, 200, 200, 200),
    ("photo_file", "photo", "get"): row(302, 200, 200, 200, 200, 200),
    ("milestones", "own project", "get"): row(302, 200, 200, 200, 200, 200),
    ("milestones", "other unit's project", "get"): row(302, 404, 200, 200, 200, 200),
    ("milestone_edit", "own milestone", "get"): row(302, 403, 200, 403, 403, 403),
    ("rankings", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("lag_warnings", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("board", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("fund_list", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("ledger_import", None, "get"): row(302, 403, 200, 403, 403, 403),
    ("ledger_template", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("ledger_export", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("ledger_changes", None, "get"): row(302, 403, 302, 403, 403, 403),
    ("fund_create", None, "get"): row(302, 403, 200, 403, 403, 403),
    ("fund_detail", "own fund", "get"): row(302, 200, 200, 200, 200, 200),
    ("fund_detail", "other unit's fund", "get"): row(302, 404, 200, 200, 200, 200),
    ("fund_edit", "own fund", "get"): row(302, 403, 200, 403, 403, 403),
    ("fund_edit", "other unit's fund", "get"): row(302, 403, 200, 403, 403, 403),
    ("fund_attach", "own fund", "post"): row(302, 403, 302, 403, 403, 403),
    ("fund_file", "fund file", "get"): row(302, 200, 200, 200, 200, 200),
    ("finding_list", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("finding_create", None, "get"): row(302, 403, 403, 200, 403, 403),
    ("finding_detail", "own finding", "get"): row(302, 200, 200, 200, 200, 200),
    ("finding_detail", "other unit's finding", "get"): row(302, 404, 200, 200, 200, 200),
    ("finding_edit", "own finding", "get"): row(302, 403, 403, 200, 403, 403),
    ("finding_answer", "own finding", "post"): row(302, 302, 403, 403, 403, 403),
    ("finding_answer", "other unit's finding", "post"): row(302, 404, 403, 403, 403, 403),
    ("finding_close", "own finding", "post"): row(302, 403, 403, 302, 403, 403),
    ("finding_send_back", "own finding", "post"): row(302, 403, 403, 302, 403, 403),
    ("finding_move", "own finding", "post"): row(302, 403, 403, 302, 403, 403),
    ("evidence_file", "evidence", "get"): row(302, 200, 200, 200, 200, 200),
    ("evidence_file", "other unit's evidence", "get"): row(302, 404, 200, 200, 200, 200),
    ("inspection_list", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("inspection_create", None, "get"): row(302, 403, 403, 200, 403, 403),
    ("inspection_detail", "inspection", "get"): row(302, 200, 200, 200, 200, 200),
    ("inspection_edit", "inspection", "get"): row(302, 403, 403, 200, 403, 403),
    ("notice_list", None, "get"): row(302, 200, 200, 200, 200, 200),
    ("notice_create", None, "get"): row(302, 403, 403, 200, 403, 403),
    ("notice_detail", "notice", "get"): row(302, 200, 200, 200, 200, 200),
    ("notice_pdf", "notice", "get"): row(302, 200, 200, 200, 200, 200),
    ("briefing", None, "get"): row(302, 403, 200, 200, 200, 200),
    ("briefing", None, "post"): row(302, 403, 200, 403, 403, 403),
    ("briefing_pdf", None, "get"): row(302, 403, 200, 200, 200, 200),
    ("security_users", None, "get"): row(302, 403, 403, 403, 403, 403, security=200, auditor=403),
    ("security_user_change", "a user", "post"): row(
        302, 403, 403, 403, 403, 403, security=302, auditor=403
    ),
    ("audit_log", None, "get"): row(302, 403, 403, 403, 403, 403, security=403, auditor=200),
    ("data_history", None, "get"): row(302, 403, 403, 403, 403, 403, security=403, auditor=200),
    ("project_sheet_pdf", "own project", "get"): row(302, 200, 200, 200, 200, 200),
    ("project_sheet_pdf", "other unit's project", "get"): row(302, 404, 200, 200, 200, 200),
}


def named_urls(patterns, prefix="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                names |= named_urls(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_url_has_a_row_in_the_matrix():
    assert named_urls(get_resolver().url_patterns) == {name for name, _, _ in MATRIX}


@pytest.fixture
def county():
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县住建局", "县重点", "新建", 100, 2024, 50, "2024-01-05"],
                [code(2), "乙", "营盘镇", "县重点", "新建", 100, 2024, 50, "2024-01-05"],
            ],
            "月度投资": [REPORT_HEADERS, [code(1), 2024, 3, 5]],
        }
    )
    MonthlyReport.objects.update(status=MonthlyReport.Status.SUBMITTED)
    unit = Unit.objects.get(name="县住建局")
    photo = ReportPhoto(report=MonthlyReport.objects.get(), width=1, height=1)
    photo.image.save("p.jpg", ContentFile(b"jpeg"), save=False)
    photo.thumbnail.save("p.jpg", ContentFile(b"jpeg"), save=False)
    photo.save()
    users = {
        "reporter": User.objects.create_user("reporter", role=User.Role.REPORTER, unit=unit),
        "officer": User.objects.create_user("office", role=User.Role.OFFICER),
        "supervisor": User.objects.create_user("supervisor", role=User.Role.SUPERVISOR),
        "leader": User.objects.create_user("leader", role=User.Role.LEADER),
        "admin": User.objects.create_user("admin", role=User.Role.ADMIN),
        "security": User.objects.create_user("security", role=User.Role.SECURITY),
        "auditor": User.objects.create_user("auditor", role=User.Role.AUDITOR),
        "none": User.objects.create_user("newcomer"),  # as the system administrator makes one
    }
    supervision_records(users, unit)
    return users


def supervision_records(users, unit) -> None:
    """A fund and a finding with a file on each unit's side, an inspection and a notice."""
    pdf = [check_attachment("批复.pdf", b"%PDF-1.4 test")]
    for serial, finding_unit in ((1, unit), (2, Unit.objects.get(name="营盘镇"))):
        project = Project.objects.get(code=code(serial))
        fund = fund_save(
            user=users["officer"], project=project, fund_type="special_bond", year=2024,
            requested=Decimal(100),
        )  # fmt: skip
        fund_attach(user=users["officer"], application=fund, files=pdf)
        finding = finding_create(
            user=users["supervisor"], unit=finding_unit, description=f"问题{serial}",
            found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
        )  # fmt: skip
        reporter = users["reporter"] if serial == 1 else User.objects.create_user(
            "township", role=User.Role.REPORTER, unit=finding_unit
        )  # fmt: skip
        finding_answer(
            user=reporter, finding=finding, note="已整改", today=date(2024, 3, 2), files=pdf
        )
    inspection_save(user=users["supervisor"], title="督查", inspected_on=date(2024, 3, 1))
    notice_issue(
        user=users["supervisor"], year=2024, period="month", month=3, title="通报",
        opening="正文", content={},
    )  # fmt: skip


def own_milestone() -> Milestone:
    project = Project.objects.get(code=code(1))
    return Milestone.objects.get_or_create(
        project=project, name="施工许可", defaults={"planned_date": date(2024, 6, 1)}
    )[0]


def url_for(name: str, target: str | None) -> str:
    args: dict[str | None, list[Any]] = {
        None: [],
        "own project": [Project.objects.get(code=code(1)).pk],
        "other unit's project": [Project.objects.get(code=code(2)).pk],
        "own plan": [Project.objects.get(code=code(1)).pk, 2024],
        "other unit's plan": [Project.objects.get(code=code(2)).pk, 2024],
        "month": [2024, 3],
        "report": [MonthlyReport.objects.get().pk],
        "photo": [ReportPhoto.objects.get().pk, "thumb"],
        "own fund": [FundApplication.objects.get(project__code=code(1)).pk],
        "other unit's fund": [FundApplication.objects.get(project__code=code(2)).pk],
        "fund file": [FundAttachment.objects.get(application__project__code=code(1)).pk],
        "own finding": [Finding.objects.get(unit__name="县住建局").pk],
        "other unit's finding": [Finding.objects.get(unit__name="营盘镇").pk],
        "evidence": [Evidence.objects.get(event__finding__unit__name="县住建局").pk],
        "other unit's evidence": [Evidence.objects.get(event__finding__unit__name="营盘镇").pk],
        "inspection": [Inspection.objects.get().pk],
        "notice": [Notice.objects.get().pk],
        "a user": [User.objects.get(username="reporter").pk],
        "own milestone": [
            (milestone := own_milestone()).project_id,
            milestone.pk,
        ],
    }
    return reverse(name, args=args[target])


@pytest.mark.parametrize(("name", "target", "method"), list(MATRIX))
def test_each_role_gets_its_status(client, county, name, target, method):
    got = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(county[role])
        response = getattr(client, method)(url_for(name, target))
        got[role] = response.status_code
    assert got == MATRIX[(name, target, method)]
