"""账号管理's pages: the list, a new account, disabling, a password reset, 导入填报员.

Thin views over `accounts.services.people`, `accounts.services.password_resets` and
`accounts.services.people_import`. An initial password is shown once, on the page that answers the POST that made it (never stored in
the session, a message or the audit trail), so the administrator can hand it over and nobody
can read it later. An account with a business role gets no password here: 申请重置密码 asks the
security administrator, who confirms on 安全管理 and sees the one-time password instead.

A list of more than ``PEOPLE_BACKGROUND_ROWS`` people is confirmed by a background job
(`accounts/tasks.py`, its progress on the job's page); its initial passwords are sealed for this
browser alone (`accounts.services.initial_passwords`: the opening key in a cookie only the
passwords' page of that job receives) and shown once there.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_tables2 import Table

from accounts.filters import PeopleFilter
from accounts.forms import AccountForm
from accounts.selectors import pending_resets
from accounts.services.initial_passwords import KEY_MAX_AGE, passwords_open
from accounts.services.password_resets import (
    password_reset_request,
    password_reset_withdraw,
    request_refusal,
)
from accounts.services.people import (
    account_create,
    account_reset_password,
    account_set_active,
    active_refusal,
    reset_refusal,
)
from accounts.services.people_import import MAX_BYTES, reporters_import, template_sheets
from accounts.tables import PeopleTable
from accounts.tasks import reporters_import_job
from core import filenames, sealed
from core.capabilities import needs, requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.lists import ListPage
from core.xlsx import workbook_response
from jobs.models import Job
from jobs.services import job_start
from projects import previews
from projects.models import PasswordResetRequest, User
from projects.previews import Previews


class PeopleList(ListPage[User]):
    """账号管理: every account, searched and filtered; the actions each row allows."""

    capabilities = needs("accounts.keep")
    filterset_class = PeopleFilter
    table_class = PeopleTable
    template_name = "accounts/people_list.html"

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.select_related("unit", "requested_unit")

    def get_table(self, **kwargs: Any) -> Table:
        table = super().get_table(**kwargs)
        records = [row.record for row in table.page.object_list] if table.page else []
        pending = pending_resets(records)
        for record in records:
            record.pending_reset = pending.get(record.pk)
            record.can_reset = reset_refusal(user=self.user, target=record) is None
            record.can_request_reset = (
                request_refusal(user=self.user, target=record, pending=record.pending_reset) is None
            )
            record.can_toggle = active_refusal(user=self.user, target=record) is None
        return table


people_list = PeopleList.as_view()


@requires("accounts.keep")
def account_new(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, initial = account_create(
                user=request.user, username=data["username"], name=data["name"],
                phone=data["phone"],
                password=data["password"] if data["password_mode"] == "typed" else None,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request,
                "accounts/people_password.html",
                {"accounts": [(account, initial)], "created": True},
            )
    return render(request, "accounts/people_form.html", {"form": form})


def _back_to_list(request: AuthenticatedRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(reverse("people_list")) else "people_list")


@requires("accounts.keep", methods=["POST"])
def account_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        account_set_active(user=request.user, target=target, active=active)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, f"已{'启用' if active else '停用'}账号{target.username}（{target}）。"
        )
    return _back_to_list(request)


@requires("accounts.keep", methods=["POST"])
def account_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    try:
        account, initial = account_reset_password(user=request.user, target=target)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _back_to_list(request)
    return render(
        request, "accounts/people_password.html", {"accounts": [(account, initial)], "reset": True}
    )


@requires("accounts.keep", methods=["POST"])
def account_reset_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """申请重置密码: nothing changes until the security administrator confirms."""
    target = get_object_or_404(User, pk=pk)
    try:
        password_reset_request(user=request.user, target=target)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"已申请重置{target.username}（{target}）的密码，待安全管理员确认；"
            "确认前原密码仍可使用，新密码由安全管理员交给本人。",
        )
    return _back_to_list(request)


@requires("accounts.keep", methods=["POST"])
def account_reset_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reset = get_object_or_404(PasswordResetRequest.objects.select_related("account"), pk=pk)
    try:
        password_reset_withdraw(user=request.user, reset=reset)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        account = reset.account
        messages.success(request, f"已撤回重置{account.username}（{account}）密码的申请。")
    return _back_to_list(request)


@requires("accounts.keep")
def reporters_template(request: AuthenticatedRequest) -> HttpResponse:
    return workbook_response(template_sheets(), filenames.REPORTERS_TEMPLATE)


REPORTER_PREVIEWS = Previews(key="reporter_previews", folder="reporter-uploads")
RECENT_JOBS = 5  # background imports listed on the upload page
KEY_COOKIE = "initial_passwords_key"  # the opening key of a job's sealed initial passwords


@requires("accounts.keep")
def reporters_upload(request: AuthenticatedRequest) -> HttpResponse:
    """导入填报员: upload → preview (every row, or every problem) → confirm, all or nothing.

    The previewed file waits on the server (`projects.previews`); the confirmation form
    carries its token and SHA-256, so the confirmation imports exactly the rows previewed in
    that tab, checked again inside the transaction that creates the accounts, and once."""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _reporters_confirm(request)
    context: dict = {"max_mb": MAX_BYTES // 1024 // 1024}
    if request.method == "POST":
        upload = request.FILES.get("file")
        # Django gives an upload its size: never None.
        if upload is None or upload.size > MAX_BYTES:  # type: ignore[operator]
            messages.error(
                request,
                "请选择要导入的填报员名单（.xlsx）。"
                if upload is None
                else f"文件太大（超过{MAX_BYTES // 1024 // 1024}MB），请只保留填报员名单。",
            )
            return redirect("reporters_upload")
        pending = REPORTER_PREVIEWS.keep(upload)
        try:
            with previews.opened(pending) as file:
                result = reporters_import(user=request.user, data=file, dry_run=True)
        except ValidationError as error:
            previews.delete(pending.path)
            messages.error(request, error_text(error))
            return redirect("reporters_upload")
        if result.file.problems:
            previews.delete(pending.path)
        else:  # its confirmation needs no second look at the file to choose request or job
            REPORTER_PREVIEWS.offer(request, pending, rows=len(result.file.reporters))
        context |= {"result": result, "filename": pending.filename, "pending": pending}
    return _upload_page(request, context)


def _upload_page(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    """导入填报员's page, with the administrator's latest background imports (their pages are
    reached from here again) and the size that goes to the background."""
    context["background_rows"] = settings.PEOPLE_BACKGROUND_ROWS
    context["jobs"] = Job.objects.filter(
        started_by=request.user, task_path=reporters_import_job.module_path
    )[:RECENT_JOBS]
    return render(request, "accounts/people_import.html", context)


def _reporters_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """The confirmation: nothing is read or deleted before the import claims the preview (a tab
    confirming it at the same moment may be the one to import it: `projects.previews`)."""
    try:
        pending = REPORTER_PREVIEWS.take(
            request, request.POST.get("preview", ""), request.POST.get("checksum", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("reporters_upload")
    if pending.rows is None or pending.rows > settings.PEOPLE_BACKGROUND_ROWS:
        return _reporters_confirm_in_background(request, pending)  # unknown size: the job's
    try:
        result = reporters_import(user=request.user, preview=pending, dry_run=False)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("reporters_upload")
    finally:  # claimed, or imported already by another tab: the file's work is done
        previews.delete(pending.path)
    if not result.created:  # the database changed since the preview: its problems now
        context = {"max_mb": MAX_BYTES // 1024 // 1024, "result": result}
        return _upload_page(request, context | {"filename": pending.filename})
    return render(
        request, "accounts/people_password.html", {"accounts": result.created, "imported": True}
    )


def _reporters_confirm_in_background(
    request: AuthenticatedRequest, pending: previews.Pending
) -> HttpResponse:
    """The job that creates the accounts; this browser alone gets the key to their passwords."""
    opening_key, sealing_key = sealed.key_pair()
    job = job_start(
        task=reporters_import_job,
        title=f"导入填报员：{pending.filename}",
        user=request.user,
        back_url=reverse("reporters_upload"),
        token=pending.token,
        path=pending.path,
        filename=pending.filename,
        sha256=pending.sha256,
        sealing_key=sealing_key,
    )
    response = redirect("job_progress", job.pk)
    response.set_cookie(
        KEY_COOKIE,
        opening_key,
        max_age=KEY_MAX_AGE,
        path=reverse("reporters_passwords", args=[job.pk]),  # sent to that page alone
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@requires("accounts.keep", methods=["POST"])
def reporters_passwords(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    """A background import's initial passwords, shown once to the browser that confirmed it
    (another's job: 404); the file and this browser's key are gone after it."""
    job = get_object_or_404(
        Job,
        pk=job_id,
        started_by=request.user,
        task_path=reporters_import_job.module_path,
        state=Job.State.DONE,
    )
    try:
        accounts = passwords_open(
            user=request.user, job=job, opening_key=request.COOKIES.get(KEY_COOKIE)
        )
    except ValidationError as error:
        return render(
            request, "accounts/people_password_gone.html", {"job": job, "reason": error_text(error)}
        )
    response = render(
        request, "accounts/people_password.html", {"accounts": accounts, "imported": True}
    )
    response.delete_cookie(KEY_COOKIE, path=request.path, samesite="Strict")
    return response
