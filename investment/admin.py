from django.contrib import admin

from investment.models import MonthlyReport, ReportingPeriod, YearSettings
from investment.services import is_locked
from projects.capabilities import CapabilityAdminMixin
from projects.versioning import VersionedAdmin


@admin.register(YearSettings)
class YearSettingsAdmin(CapabilityAdminMixin, VersionedAdmin):
    admin_capability = "settings.keep"
    admin_actions = ("view", "add", "change")
    list_display = ["year", "due_day", "weight_investment", "weight_start", "weight_milestones",
                    "weight_findings", "weight_reporting", "lag_threshold", "list_size"]  # fmt: skip


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(CapabilityAdminMixin, admin.ModelAdmin):
    # Read only: a month is locked and unlocked on 报表审核, by the office.
    admin_capability = "settings.keep"
    admin_actions = ("view",)
    list_display = ["year", "month", "locked_at", "locked_by"]
    readonly_fields = ["locked_at", "locked_by"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(VersionedAdmin):
    list_display = ["plan", "month", "amount", "status", "source", "submitted_at"]
    list_filter = ["status", "source", "month", "plan__year"]
    search_fields = ["plan__project__code", "plan__project__name"]
    list_select_related = ["plan__project"]
    raw_id_fields = ["plan"]

    # A locked month's reports cannot change here either: read-only in the admin.
    def has_change_permission(self, request, obj=None):
        if obj is not None and is_locked(year=obj.plan.year, month=obj.month):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_locked(year=obj.plan.year, month=obj.month):
            return False
        return super().has_delete_permission(request, obj)
