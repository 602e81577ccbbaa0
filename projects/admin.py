from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from projects.models import AnnualPlan, Milestone, Project, Unit, User


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is an initial password: changed at next sign-in."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class KeyProjectUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active", "must_change_password"]
    list_filter = ["role", "unit", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("角色与单位", {"fields": ["role", "unit", "phone"]}),
        ("密码策略", {"fields": ["must_change_password", "password_changed_at"]}),
    ]
    readonly_fields = ["password_changed_at"]
    change_password_form = InitialPasswordForm

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
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "industry", "stage", "total_investment"]
    list_filter = ["stage", "unit", "industry"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["unit", "replaced_by"]
    inlines = [AnnualPlanInline, MilestoneInline]
