from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html

from projects.capabilities import CapabilityAdminMixin
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from projects.versioning import VersionedAdmin


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is an initial password: changed at next sign-in."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


OWN_PASSWORD_ONLY = "三员分立：管理员的密码只能由本人在“修改密码”页面修改，他人不能设置。"


class OwnPasswordOnlyWidget(ReadOnlyPasswordHashWidget):
    """An administrator's password, shown without the 重置密码 button the admin would refuse."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("<div><p>{}</p></div>", OWN_PASSWORD_ONLY)


class KeyProjectUserChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None and self.instance.role in User.PRIVILEGED_ROLES:
            password.widget = OwnPasswordOnlyWidget()
            password.help_text = ""


@admin.register(User)
class KeyProjectUserAdmin(CapabilityAdminMixin, UserAdmin):
    # 三员: the system administrator creates and disables accounts; never deletes them.
    admin_capability = "accounts.keep"
    admin_actions = ("view", "add", "change")
    list_display = ["username", "first_name", "role", "unit", "is_active", "must_change_password"]
    list_filter = ["role", "unit", "is_active"]
    # The system administrator keeps accounts; roles and units are the security administrator's
    # (三员), so they are shown here but changed on the 安全管理 page: an account made here has
    # no role (未授权) and sees nothing until the security administrator grants one.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["first_name", "last_name", "email", "phone"]}),
        ("单位与角色", {"fields": ["unit", "role", "is_active"]}),
        ("密码策略", {"fields": ["must_change_password", "password_changed_at"]}),
        ("登录记录", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["role", "unit", "password_changed_at", "last_login", "date_joined"]
    change_password_form = InitialPasswordForm
    form = KeyProjectUserChangeForm

    def user_change_password(self, request, id, form_url=""):
        """No administrator sets another administrator's password: that would let them sign in
        as the auditor and read the audit log, or as the security administrator and grant
        roles. Each changes their own on the 修改密码 page."""
        target = self.get_object(request, id)
        if (
            target is not None
            and target.pk != request.user.pk
            and target.role in User.PRIVILEGED_ROLES
        ):
            raise PermissionDenied(
                f"不能设置{target.get_role_display()}“{target}”的密码。{OWN_PASSWORD_ONLY}"
            )
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an account an administrator creates
        super().save_model(request, obj, form, change)


@admin.register(Unit)
class UnitAdmin(CapabilityAdminMixin, admin.ModelAdmin):
    admin_capability = "accounts.keep"
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]


class AnnualPlanInline(admin.TabularInline):
    model = AnnualPlan
    fk_name = "project"
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Project)
class ProjectAdmin(VersionedAdmin):
    list_display = ["code", "name", "unit", "industry", "stage", "total_investment"]
    list_filter = ["stage", "unit", "industry"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["unit", "replaced_by"]
    inlines = [AnnualPlanInline, MilestoneInline]
