from django.contrib import admin

from supervision.models import Finding, Inspection


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["inspected_on", "title", "inspectors"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = [
        "unit",
        "description",
        "category",
        "found_on",
        "deadline",
        "status",
        "closed_on",
    ]
    list_filter = ["status", "category", "unit"]
    search_fields = ["description", "unit__name", "project__code"]
    list_select_related = ["unit"]
    raw_id_fields = ["project", "inspection"]
