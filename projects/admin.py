from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from projects.models import AnnualPlan, Milestone, Project, Unit, User
from projects.versioning import VersionedAdmin


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is an initial password: changed at next sign-in."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class KeyProjectUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active", "must_change_password"]
    list_filter = ["role", "unit", "is_active"]
    # The system administrator keeps accounts; roles are the security administrator's (三员),
    # so the role is shown here but changed on the 安全管理 page.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["first_name", "last_name", "email", "phone"]}),
        ("单位与角色", {"fields": ["unit", "role", "is_active"]}),
        ("密码策略", {"fields": ["must_change_password", "password_changed_at"]}),
        ("登录记录", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["role", "password_changed_at", "last_login", "date_joined"]
    change_password_form = InitialPasswordForm

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["password_changed_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an account an administrator creates
        super().save_model(request, obj, form, change)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
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
