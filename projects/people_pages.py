"""账号管理's pages: the list, a new account, disabling, a password reset, 导入填报员.

Thin views over `projects.people`, `projects.password_resets` and `projects.people_import`. An
initial password is shown once, on the page that answers the POST that made it (never stored in
the session, a message or the audit trail), so the administrator can hand it over and nobody
can read it later. An account with a business role gets no password here: 申请重置密码 asks the
security administrator, who confirms on 安全管理 and sees the one-time password instead.
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from projects import filenames, previews
from projects.capabilities import needs, requires
from projects.errors import error_text
from projects.filters import unit_filter
from projects.lists import ListPage
from projects.models import PasswordResetRequest, User
from projects.password_resets import (
    password_reset_request,
    password_reset_withdraw,
    pending_resets,
    request_refusal,
)
from projects.people import (
    account_create,
    account_reset_password,
    account_set_active,
    active_refusal,
    reset_refusal,
)
from projects.people_import import MAX_BYTES, reporters_import, template_sheets
from projects.previews import Previews
from projects.tables import cell
from projects.xlsx import workbook_response


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    role = django_filters.ChoiceFilter(
        label="角色", choices=User.Role.choices, empty_label="全部角色"
    )
    unit = unit_filter("unit")
    is_active = django_filters.ChoiceFilter(
        label="状态",
        choices=[("1", "启用"), ("0", "已停用")],
        empty_label="全部",
        method="active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "unit", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(phone__icontains=value)
        )

    def active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


class PeopleTable(tables.Table):
    username = tables.Column("用户名", attrs=cell("用户名"))
    first_name = tables.Column("姓名", default="—", attrs=cell("姓名"))
    phone = tables.Column("手机号", default="—", orderable=False, attrs=cell("手机号"))
    role = tables.Column("角色", attrs=cell("角色"))
    unit = tables.Column(
        "所属单位", default="—", order_by=("unit__sort_order", "unit__name"),
        attrs=cell("所属单位", ""),
    )  # fmt: skip
    is_active = tables.Column("状态", orderable=False, attrs=cell("状态"))
    actions = tables.TemplateColumn(
        template_name="projects/_people_actions.html", verbose_name="", orderable=False,
        attrs={"td": {"class": "nowrap"}},
    )  # fmt: skip

    class Meta:
        model = User
        fields = ()
        attrs = {"class": "table stacked"}
        order_by = ("username",)
        empty_text = "没有符合条件的账号。"

    def render_unit(self, record):
        if record.unit is None and record.requested_unit is not None:
            return format_html('<span class="muted">申请：{}</span>', record.requested_unit)
        return record.unit or "—"

    def render_is_active(self, record):
        if not record.is_active:
            return mark_safe('<span class="tag returned">已停用</span>')
        if record.must_change_password:
            return mark_safe('<span class="tag submitted">待改初始密码</span>')
        return mark_safe('<span class="tag approved">启用</span>')

    def before_render(self, request):
        self.actor = request.user


class PeopleList(ListPage):
    """账号管理: every account, searched and filtered; the actions each row allows."""

    capabilities = needs("accounts.keep")
    filterset_class = PeopleFilter
    table_class = PeopleTable
    template_name = "projects/people_list.html"

    def get_queryset(self):
        return User.objects.select_related("unit", "requested_unit")

    def get_table(self, **kwargs):
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


class AccountForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，字母、数字或 @.+-_"
    )
    name = forms.CharField(label="姓名", max_length=150)
    phone = forms.CharField(label="手机号", max_length=30, required=False)
    password_mode = forms.ChoiceField(
        label="初始密码",
        choices=[("generate", "系统生成（推荐，保存后显示一次）"), ("typed", "我来设置")],
        initial="generate",
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="设置的初始密码",
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text="选“我来设置”时填写；本人首次登录时须修改。",
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("password_mode") == "typed" and not data.get("password"):
            self.add_error("password", "选择“我来设置”时请填写初始密码。")
        return data


@requires("accounts.keep")
def account_new(request):
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
            request.audit_detail = f"新建账号{account.username}（{account.first_name}）"
            return render(
                request,
                "projects/people_password.html",
                {"accounts": [(account, initial)], "created": True},
            )
    return render(request, "projects/people_form.html", {"form": form})


def _back_to_list(request):
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(reverse("people_list")) else "people_list")


@requires("accounts.keep", methods=["POST"])
def account_active(request, pk: int):
    target = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        account_set_active(user=request.user, target=target, active=active)
    except ValidationError as error:
        request.audit_outcome = "refused"
        messages.error(request, error_text(error))
    else:
        request.audit_detail = f"{'启用' if active else '停用'}账号{target.username}"
        messages.success(
            request, f"已{'启用' if active else '停用'}账号{target.username}（{target}）。"
        )
    return _back_to_list(request)


@requires("accounts.keep", methods=["POST"])
def account_reset(request, pk: int):
    target = get_object_or_404(User, pk=pk)
    try:
        account, initial = account_reset_password(user=request.user, target=target)
    except ValidationError as error:
        request.audit_outcome = "refused"
        messages.error(request, error_text(error))
        return _back_to_list(request)
    request.audit_detail = f"重置{account.username}的密码"
    return render(
        request, "projects/people_password.html", {"accounts": [(account, initial)], "reset": True}
    )


@requires("accounts.keep", methods=["POST"])
def account_reset_request(request, pk: int):
    """申请重置密码: nothing changes until the security administrator confirms."""
    target = get_object_or_404(User, pk=pk)
    try:
        password_reset_request(user=request.user, target=target)
    except ValidationError as error:
        request.audit_outcome = "refused"
        messages.error(request, error_text(error))
    else:
        request.audit_detail = f"申请重置{target.username}（{target}）的密码，待安全管理员确认"
        messages.success(
            request,
            f"已申请重置{target.username}（{target}）的密码，待安全管理员确认；"
            "确认前原密码仍可使用，新密码由安全管理员交给本人。",
        )
    return _back_to_list(request)


@requires("accounts.keep", methods=["POST"])
def account_reset_withdraw(request, pk: int):
    reset = get_object_or_404(PasswordResetRequest.objects.select_related("account"), pk=pk)
    try:
        password_reset_withdraw(user=request.user, reset=reset)
    except ValidationError as error:
        request.audit_outcome = "refused"
        messages.error(request, error_text(error))
    else:
        account = reset.account
        request.audit_detail = f"撤回重置{account.username}（{account}）密码的申请"
        messages.success(request, f"已撤回重置{account.username}（{account}）密码的申请。")
    return _back_to_list(request)


@requires("accounts.keep")
def reporters_template(request):
    return workbook_response(template_sheets(), filenames.REPORTERS_TEMPLATE)


REPORTER_PREVIEWS = Previews(key="reporter_previews", folder="reporter-uploads")


@requires("accounts.keep")
def reporters_upload(request):
    """导入填报员: upload → preview (every row, or every problem) → confirm, all or nothing.

    The previewed file waits on the server (`projects.previews`); the confirmation form
    carries its token and SHA-256, so the confirmation imports exactly the rows previewed in
    that tab, checked again inside the transaction that creates the accounts, and once."""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _reporters_confirm(request)
    context: dict = {"max_mb": MAX_BYTES // 1024 // 1024}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_BYTES:
            messages.error(
                request,
                "请选择要导入的填报员名单（.xlsx）。"
                if upload is None
                else f"文件太大（超过{MAX_BYTES // 1024 // 1024}MB），请只保留填报员名单。",
            )
            return redirect("reporters_upload")
        pending = REPORTER_PREVIEWS.keep(request, upload)
        try:
            with previews.opened(pending) as file:
                result = reporters_import(user=request.user, data=file, dry_run=True)
        except ValidationError as error:
            REPORTER_PREVIEWS.forget(request, pending)
            messages.error(request, error_text(error))
            return redirect("reporters_upload")
        if result.file.problems:
            REPORTER_PREVIEWS.forget(request, pending)
        context |= {"result": result, "filename": pending.filename, "pending": pending}
    return render(request, "projects/people_import.html", context)


def _reporters_confirm(request):
    try:
        pending = REPORTER_PREVIEWS.take(
            request, request.POST.get("preview", ""), request.POST.get("checksum", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("reporters_upload")
    try:
        with previews.opened(pending) as file:
            result = reporters_import(
                user=request.user, data=file, dry_run=False, preview=pending.token
            )
    except ValidationError as error:
        request.audit_outcome = "refused"
        messages.error(request, error_text(error))
        return redirect("reporters_upload")
    finally:
        previews.delete(pending.path)
    if not result.created:  # the database changed since the preview: its problems now
        context = {"max_mb": MAX_BYTES // 1024 // 1024, "result": result}
        return render(
            request, "projects/people_import.html", context | {"filename": pending.filename}
        )
    request.audit_detail = "导入填报员：" + "、".join(a.username for a, _ in result.created)
    return render(
        request, "projects/people_password.html", {"accounts": result.created, "imported": True}
    )
