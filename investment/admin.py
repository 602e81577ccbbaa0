from django.contrib import admin

from investment.models import MonthlyReport, ReportingPeriod, YearSettings


@admin.register(YearSettings)
class YearSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "due_day", "weight_investment", "weight_start", "weight_milestones",
                    "weight_findings", "weight_reporting", "lag_threshold", "list_size"]  # fmt: skip


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["year", "month", "locked_at", "locked_by"]
    readonly_fields = ["locked_at", "locked_by"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["plan", "month", "amount", "status", "source", "submitted_at"]
    list_filter = ["status", "source", "month", "plan__year"]
    search_fields = ["plan__project__code", "plan__project__name"]
    list_select_related = ["plan__project"]
    raw_id_fields = ["plan"]
