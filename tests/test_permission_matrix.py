"""Every URL × every role, with the status each must get, derived from the capability table.

Each case is a URL name, what its arguments point at and the method. The expected status of a
role comes from what the view declares (`@requires`: `core.capabilities.needed_for`) and
the scope of the sample object: anonymous → 302 to the login page; a method the view does not
take → 405; the home page for a role with no business capability → 302 to that role's own
page; no capability → 403; an object outside the role's scope (another unit's) → 404; else
200 for a GET and 302 for a POST (its redirect), except for the few pages in ``EXCEPTIONS``.
A URL without a case, or a view that declares no capability, fails here.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.tasks import reporters_import_job
from batches.models import Batch, BatchEntry
from bonds.models import FundApplication, FundAttachment, FundSpending
from core.capabilities import can, capabilities_of, has_business, needed_for
from investment.models import MonthlyReport, QualityFlag, ReportPhoto
from jobs.models import Job
from projects.models import Milestone, PasswordResetRequest, Project, Unit, User
from promotion.models import Activity
from supervision.models import Evidence, Finding, Inspection, Notice
from tests.security.paths import rolled_back
from tests.workbooks import code
from upstream.models import UpstreamTemplate
from upstream.services.demo import city_template
from upstream.services.mapping import template_upload

ROLES = [
    "anonymous", "reporter", "officer", "supervisor", "leader", "admin", "security", "auditor",
    "none",
]  # fmt: skip


# (url name, what the arguments point at, method): every named URL at least once
CASES = [
    ("login", None, "get"),
    ("logout", None, "get"),
    ("password_change", None, "get"),
    ("password_change", None, "post"),
    ("session_renew", None, "get"),
    ("session_renew", None, "post"),
    ("dashboard", None, "get"),
    ("account_pending", None, "get"),
    ("project_list", None, "get"),
    ("project_detail", "own project", "get"),
    ("project_detail", "other unit's project", "get"),
    ("report_current", None, "get"),
    ("report_month", "month", "get"),
    ("review_current", None, "get"),
    ("review_month", "month", "get"),
    ("period_lock", "month", "get"),
    ("period_lock", "month", "post"),
    ("period_unlock", "month", "get"),
    ("period_unlock", "month", "post"),
    ("reports_return_unit", "month", "post"),
    ("report_approve", "report", "post"),
    ("report_return", "report", "post"),
    ("reports_approve", "month", "post"),
    ("report_send", "month", "get"),
    ("report_send", "month", "post"),
    ("report_quality", "report", "get"),
    ("flag_explain", "flag", "post"),
    ("flag_accept", "flag", "post"),
    ("quality_flags", None, "get"),
    ("quality_rules", None, "get"),
    ("quality_rules", None, "post"),
    ("project_create", None, "get"),
    ("project_edit", "own project", "get"),
    ("plan_add", "own project", "get"),
    ("project_replace", "own project", "get"),
    ("plan_edit", "own plan", "get"),
    ("plan_edit", "other unit's plan", "get"),
    ("report_photos", "report", "get"),
    ("photo_file", "photo", "get"),
    ("photo_delete", "photo to delete", "get"),
    ("photo_delete", "photo to delete", "post"),
    ("milestones", "own project", "get"),
    ("milestones", "other unit's project", "get"),
    ("milestone_edit", "own milestone", "get"),
    ("rankings", None, "get"),
    ("year_settings", None, "get"),
    ("year_settings", None, "post"),
    ("lag_warnings", None, "get"),
    ("overruns", None, "get"),
    ("board", None, "get"),
    ("timeline", None, "get"),
    ("timeline_pdf", None, "get"),
    ("warning_rules", None, "get"),
    ("warning_rules", None, "post"),
    ("fund_list", None, "get"),
    ("ledger_import", None, "get"),
    ("ledger_template", None, "get"),
    ("ledger_export", None, "get"),
    ("ledger_changes", None, "get"),
    ("job_progress", "the officer's job", "get"),
    ("job_file", "the officer's job with a file", "get"),
    ("backup_page", None, "get"),
    ("backup_start", None, "post"),
    ("backup_restore", None, "post"),
    ("opendata", None, "get"),
    ("oc4ids_download", None, "get"),
    ("fund_create", None, "get"),
    ("fund_detail", "own fund", "get"),
    ("fund_detail", "other unit's fund", "get"),
    ("fund_edit", "own fund", "get"),
    ("fund_edit", "other unit's fund", "get"),
    ("fund_attach", "own fund", "post"),
    ("fund_file", "fund file", "get"),
    ("activity_list", None, "get"),
    ("activity_create", None, "get"),
    ("promotion_figures", None, "get"),
    ("activity_detail", "own activity", "get"),
    ("activity_detail", "other unit's activity", "get"),
    ("activity_edit", "own activity", "get"),
    ("activity_edit", "other unit's activity", "get"),
    ("activity_delete", "own activity", "get"),
    ("activity_delete", "other unit's activity", "get"),
    ("batch_list", None, "get"),
    ("batch_create", None, "get"),
    ("batch_detail", "own batch", "get"),
    ("batch_detail", "other unit's batch", "get"),
    ("batch_edit", "own batch", "get"),
    ("batch_entries_add", "own batch", "get"),
    ("batch_entry_edit", "own batch entry", "get"),
    ("batch_entry_edit", "other unit's batch entry", "get"),
    ("batch_entry_remove", "own batch entry", "post"),
    ("briefing_batches_xlsx", None, "get"),
    ("fund_spending_add", "own fund", "post"),
    ("fund_spending_add", "other unit's fund", "post"),
    ("fund_spending_delete", "own spending", "post"),
    ("fund_spending_delete", "other unit's spending", "post"),
    ("fund_clock_rules", None, "get"),
    ("fund_clock_rules", None, "post"),
    ("finding_list", None, "get"),
    ("finding_create", None, "get"),
    ("finding_detail", "own finding", "get"),
    ("finding_detail", "other unit's finding", "get"),
    ("finding_edit", "own finding", "get"),
    ("finding_answer", "own finding", "post"),
    ("finding_answer", "other unit's finding", "post"),
    ("finding_close", "own finding", "post"),
    ("finding_send_back", "own finding", "post"),
    ("finding_move", "own finding", "post"),
    ("evidence_file", "evidence", "get"),
    ("evidence_file", "other unit's evidence", "get"),
    ("inspection_list", None, "get"),
    ("inspection_create", None, "get"),
    ("inspection_detail", "inspection", "get"),
    ("inspection_edit", "inspection", "get"),
    ("notice_list", None, "get"),
    ("notice_create", None, "get"),
    ("notice_detail", "notice", "get"),
    ("notice_pdf", "notice", "get"),
    ("briefing", None, "get"),
    ("briefing", None, "post"),
    ("briefing_pdf", None, "get"),
    ("security_users", None, "get"),
    ("security_user_change", "a user", "post"),
    ("security_user_change", "another administrator", "post"),
    ("security_reset_decide", "a reset request", "post"),
    ("people_list", None, "get"),
    ("account_new", None, "get"),
    ("account_new", None, "post"),
    ("account_active", "a user", "post"),
    ("account_active", "another administrator", "post"),
    ("account_reset", "an account with no role", "post"),
    ("account_reset", "another administrator", "post"),
    ("account_reset_request", "a user", "post"),
    ("account_reset_request", "another administrator", "post"),
    ("account_reset_withdraw", "a reset request", "post"),
    ("reporters_upload", None, "get"),
    ("reporters_upload", None, "post"),
    ("reporters_template", None, "get"),
    ("reporters_passwords", "the administrator's import job", "post"),
    ("unit_list", None, "get"),
    ("unit_create", None, "get"),
    ("unit_edit", "a unit", "get"),
    ("unit_merge", "a unit", "get"),
    ("unit_merge", "a unit", "post"),
    ("audit_log", None, "get"),
    ("data_history", None, "get"),
    ("project_sheet_pdf", "own project", "get"),
    ("project_sheet_pdf", "other unit's project", "get"),
    ("upstream_list", None, "get"),
    ("upstream_detail", "an upstream template", "get"),
    ("upstream_download", "an upstream template", "get"),
    ("upstream_original", "an upstream template", "get"),
]

# Pages whose allowed answer is not the plain 200 / 302: (url name, method) → status for a role
# that may open it. Everything else in the matrix is derived.
EXCEPTIONS = {
    ("login", "get"): 200,  # public: the sign-in page, signed in or not
    ("logout", "get"): 405,  # public, POST only (Django's LogoutView)
    ("password_change", "post"): 200,  # an empty form comes back with its errors
    ("session_renew", "post"): 200,  # 继续工作: the seconds left, for any signed-in role
    ("briefing", "post"): 200,  # likewise
    ("year_settings", "post"): 200,  # likewise
    ("finding_answer", "post"): 200,  # likewise: the finding page again, with what was typed
    ("warning_rules", "post"): 200,  # likewise: the rules again, with what was typed
    ("quality_rules", "post"): 200,  # likewise
    ("fund_clock_rules", "post"): 200,  # likewise
    ("fund_spending_add", "post"): 302,  # an empty entry: to the fund page, its errors shown there
    ("report_send", "post"): 200,  # nothing listed to send: the confirmation again, saying so
    ("report_current", "get"): 302,  # redirects to the month being reported
    ("review_current", "get"): 302,  # redirects to the month being reviewed
    ("ledger_changes", "get"): 302,  # no preview asked for: back to the upload page
    ("oc4ids_download", "get"): 302,  # no year asked for: back to the 开放数据 page
    ("account_new", "post"): 200,  # an empty form comes back with its errors
    ("account_reset", "post"): 200,  # the new initial password, shown once on the answer
    ("unit_merge", "post"): 200,  # no unit chosen to merge into: the page again
}


def spending(project_code: str) -> FundSpending:
    """A 支出 entry of the project's fund (made here: the county's funds have none)."""
    fund = FundApplication.objects.get(project__code=project_code)
    entry, _ = FundSpending.objects.get_or_create(
        application=fund, spent_on=date(2024, 5, 1), amount=Decimal(1)
    )
    return entry


def sample_object(target: str | None):
    """The object a case's URL points at, for its scope (None: county-wide or no object)."""
    own, other = Project.objects.get(code=code(1)), Project.objects.get(code=code(2))
    fund = FundApplication.objects.get
    finding = Finding.objects.get
    if target is None:
        return None
    objects: dict[str, Callable[[], object]] = {
        "own project": lambda: own,
        "other unit's project": lambda: other,
        "own plan": lambda: own.plans.get(),
        "other unit's plan": lambda: other.plans.get(),
        "report": lambda: MonthlyReport.objects.get(),
        "photo": lambda: ReportPhoto.objects.get().report,
        "flag": lambda: QualityFlag.objects.get().report,
        "photo to delete": lambda: ReportPhoto.objects.get().report,
        "own fund": lambda: fund(project=own),
        "other unit's fund": lambda: fund(project=other),
        "fund file": lambda: FundAttachment.objects.get(application__project=own).application,
        "own spending": lambda: fund(project=own),
        "other unit's spending": lambda: fund(project=other),
        "own finding": lambda: finding(unit__name="县住建局"),
        "other unit's finding": lambda: finding(unit__name="营盘镇"),
        "evidence": lambda: (
            Evidence.objects.get(event__finding__unit__name="县住建局").event.finding
        ),
        "other unit's evidence": lambda: (
            Evidence.objects.get(event__finding__unit__name="营盘镇").event.finding
        ),
        "own milestone": own_milestone,
        "own activity": lambda: Activity.objects.get(unit__name="县住建局"),
        "other unit's activity": lambda: Activity.objects.get(unit__name="营盘镇"),
        "another administrator": lambda: User.objects.get(username="auditor"),
        # a batch is seen through the projects it lists: one listing each unit's project
        "own batch": lambda: batch_entry(1),
        "other unit's batch": lambda: batch_entry(2),
        "own batch entry": lambda: batch_entry(1),
        "other unit's batch entry": lambda: batch_entry(2),
        "the officer's job": officer_job,
        "the officer's job with a file": officer_job_file,
        "the administrator's import job": admin_import_job,
    }
    return objects[target]() if target in objects else None


def officer_job() -> Job:
    """A job the office started (a finished one: its page asks for no refresh)."""
    officer = User.objects.get(username="office")
    return Job.objects.get_or_create(
        title="台账导入预览", started_by=officer, defaults={"state": Job.State.DONE}
    )[0]


def officer_job_file() -> Job:
    """A finished job of the office's that made a file (kept in storage)."""
    job = officer_job()
    if not job.result_file:
        job.result_file = default_storage.save(f"jobs/{job.pk}/结果.zip", ContentFile(b"PK"))
        job.save(update_fields=["result_file"])
    return job


def admin_import_job() -> Job:
    """A finished background 导入填报员 of the system administrator's (its passwords shown)."""
    return Job.objects.get_or_create(
        title="导入填报员",
        started_by=User.objects.get(username="admin"),
        task_path=reporters_import_job.module_path,
        defaults={"state": Job.State.DONE},
    )[0]


def batch_entry(serial: int) -> BatchEntry:
    """三个一批: the project ``code(serial)`` listed under 签约 in a batch of its own."""
    batch = Batch.objects.get_or_create(name=f"2024年第{serial}期", year=2024, quarter=serial)[0]
    project = Project.objects.get(code=code(serial))
    return BatchEntry.objects.get_or_create(batch=batch, project=project, kind="sign")[0]


def expected_status(name: str, target: str | None, method: str, user: User | None) -> int:
    """What the capability table says ``user`` (None: anonymous) gets from this case."""
    url = url_for(name, target)
    view = resolve(url).func
    needed = needed_for(view, method.upper())
    assert needed is not None, f"{name} declares no capability (@requires)"
    if getattr(view, "public", False):
        return EXCEPTIONS[(name, method)]
    if user is None:
        return 302
    if not has_business(user):  # AdministratorScopeMiddleware answers before the view
        if url == resolve_url(settings.LOGIN_REDIRECT_URL):
            return 302  # the administrators' and the no-role account's home
        if needed and not can(user, needed):
            return 403
    methods = getattr(view, "methods", None)
    if methods and method.upper() not in methods:
        return 405
    if name == "account_pending":  # the page of an account with no capability at all
        return 302 if capabilities_of(user) else 200
    if needed and not can(user, needed):
        return 403
    obj = sample_object(target)
    if isinstance(obj, Job):  # a job is its starter's alone: anyone else's is not found
        return 200 if obj.started_by == user else 404
    if isinstance(obj, User):  # an account: 三员 administrators are out of each other's reach
        assert needed, f"{name} acts on an account, so it needs a capability"
        return 403 if not can(user, needed, obj) else EXCEPTIONS.get((name, method), 302)
    if obj is not None and not can(user, "portfolio.view", obj):
        return 404  # fetched through the user's scope
    return EXCEPTIONS.get((name, method), 200 if method == "get" else 302)


def named_urls(patterns, prefix="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                names |= named_urls(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def url_callbacks(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from url_callbacks(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.name, pattern.callback


def test_every_url_has_a_row_in_the_matrix():
    assert named_urls(get_resolver().url_patterns) == {name for name, _, _ in CASES}


def test_every_view_declares_what_it_needs():
    """A new view without @requires (or public/signed_in) fails here, and in the middleware."""
    undeclared = [
        name
        for name, view in url_callbacks(get_resolver().url_patterns)
        if needed_for(view, "GET") is None or needed_for(view, "POST") is None
    ]
    assert undeclared == []


@pytest.fixture
def county(matrix_county, cast) -> dict[str, User]:
    """The matrix's small county (tests/counties.py), prebuilt: each role's person."""
    return {role: cast.by_role(role) for role in User.Role.values}


def own_milestone() -> Milestone:
    project = Project.objects.get(code=code(1))
    return Milestone.objects.get_or_create(
        project=project, name="施工许可", defaults={"planned_date": date(2024, 6, 1)}
    )[0]


def upstream_template() -> UpstreamTemplate:
    """The office's 上报模板 (the demo's city table), uploaded the first time a case needs it."""
    return UpstreamTemplate.objects.first() or template_upload(
        title="市重点项目建设进展情况表",
        issuer="",
        filename="市表.xlsx",
        data=city_template(),
        user=User.objects.get(username="office"),
    )


def url_for(name: str, target: str | None) -> str:
    args: dict[str | None, Callable[[], list[Any]]] = {
        None: lambda: [],
        "own project": lambda: [Project.objects.get(code=code(1)).pk],
        "other unit's project": lambda: [Project.objects.get(code=code(2)).pk],
        "own plan": lambda: [Project.objects.get(code=code(1)).pk, 2024],
        "other unit's plan": lambda: [Project.objects.get(code=code(2)).pk, 2024],
        "month": lambda: [2024, 3],
        "report": lambda: [MonthlyReport.objects.get().pk],
        "flag": lambda: [QualityFlag.objects.get().pk],
        "photo": lambda: [ReportPhoto.objects.get().pk, "thumb"],
        "photo to delete": lambda: [ReportPhoto.objects.get().pk],
        "own fund": lambda: [FundApplication.objects.get(project__code=code(1)).pk],
        "other unit's fund": lambda: [FundApplication.objects.get(project__code=code(2)).pk],
        "fund file": lambda: [FundAttachment.objects.get(application__project__code=code(1)).pk],
        "own spending": lambda: [spending(code(1)).pk],
        "other unit's spending": lambda: [spending(code(2)).pk],
        "own finding": lambda: [Finding.objects.get(unit__name="县住建局").pk],
        "other unit's finding": lambda: [Finding.objects.get(unit__name="营盘镇").pk],
        "evidence": lambda: [Evidence.objects.get(event__finding__unit__name="县住建局").pk],
        "other unit's evidence": lambda: [
            Evidence.objects.get(event__finding__unit__name="营盘镇").pk
        ],
        "inspection": lambda: [Inspection.objects.get().pk],
        "own activity": lambda: [Activity.objects.get(unit__name="县住建局").pk],
        "other unit's activity": lambda: [Activity.objects.get(unit__name="营盘镇").pk],
        "notice": lambda: [Notice.objects.get().pk],
        "a user": lambda: [User.objects.get(username="reporter").pk],
        "an account with no role": lambda: [User.objects.get(username="pending2").pk],
        "another administrator": lambda: [User.objects.get(username="auditor").pk],
        "a reset request": lambda: [
            PasswordResetRequest.objects.get(account__username="leader").pk
        ],
        "a unit": lambda: [Unit.objects.get(name="营盘镇").pk],
        "own milestone": lambda: [
            (milestone := own_milestone()).project_id,
            milestone.pk,
        ],
        "an upstream template": lambda: [upstream_template().pk],
        "own batch": lambda: [batch_entry(1).batch_id],
        "other unit's batch": lambda: [batch_entry(2).batch_id],
        "the officer's job": lambda: [officer_job().pk],
        "the officer's job with a file": lambda: [officer_job_file().pk],
        "the administrator's import job": lambda: [admin_import_job().pk],
        "own batch entry": lambda: [batch_entry(1).pk],
        "other unit's batch entry": lambda: [batch_entry(2).pk],
    }
    return reverse(name, args=args[target]())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_status(county, role):
    """Every case as the role, signed in once: each case on the county as built (what its
    request writes is rolled back after it, its session cookie put back before the next)."""
    client = Client()
    if role != "anonymous":
        client.force_login(county[role])
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    got, want = {}, {}
    for name, target, method in CASES:
        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
        with rolled_back():
            response = getattr(client, method)(url_for(name, target))
            got[name, target, method] = response.status_code
            want[name, target, method] = expected_status(name, target, method, county.get(role))
    assert got == want
