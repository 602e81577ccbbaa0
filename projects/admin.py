from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from projects.models import AnnualPlan, Milestone, Project, Unit, User


@admin.register(User)
class KeyProjectUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("角色与单位", {"fields": ["role", "unit", "phone"]})]


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
