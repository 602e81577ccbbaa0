"""系统管理 (the Django admin) keeps no people and no units: accounts are 账号管理's
(`accounts.views.people`), roles 安全管理's, units 责任单位's, each with its 三员 rules in one
service. What is left here is the project register for a superuser kept for operations."""

from django.contrib import admin

from core.versioning import VersionedAdmin
from projects.models import AnnualPlan, Milestone, Project


class AnnualPlanInline(admin.TabularInline):
    model = AnnualPlan
    fk_name = "project"
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(VersionedAdmin):
    list_display = ["code", "name", "unit", "industry", "stage", "total_investment"]
    list_filter = ["stage", "unit", "industry"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["replaced_by"]  # the unit is a plain choice: Unit has no admin
    inlines = [AnnualPlanInline, MilestoneInline]

    def get_readonly_fields(self, request, obj=None):
        """总投资 and 计划竣工日期 of a saved project change only through 编辑项目 (a revision
        with its reason, `projects.services.revisions`); the originals are kept, never typed."""
        kept = ("original_total", "original_completion")
        fields = (*super().get_readonly_fields(request, obj), *kept)
        return (*fields, "total_investment", "planned_end") if obj is not None else fields
