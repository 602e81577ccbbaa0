from django.contrib import admin

from core.versioning import VersionedAdmin
from investment.models import MonthlyReport, ReportingPeriod
from investment.services.reports import is_locked

# YearSettings is not here: the office keeps it on 年度设置 (investment/views/year_settings.py),
# with its preview and history, and one way to edit it is all it needs. WarningRule likewise:
# the office keeps it on 预警规则 (investment/views/warning_rules.py).


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    # Read only, for a superuser kept for operations: a month is locked and unlocked on
    # 报表审核, by the office, and its history is the auditor's 数据变更记录.
    list_display = ["year", "month", "locked_at", "locked_by"]
    readonly_fields = ["locked_at", "locked_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
