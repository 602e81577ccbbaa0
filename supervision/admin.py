from django.contrib import admin

from core.versioning import VersionedAdmin
from supervision.models import Finding, FindingEvent, Inspection, Notice


@admin.register(Inspection)
class InspectionAdmin(VersionedAdmin):
    list_display = ["inspected_on", "title", "inspectors"]
    raw_id_fields = ["projects"]


class FindingEventInline(admin.TabularInline):
    """A finding's history is written by the services only; the admin shows it."""

    model = FindingEvent
    fields = readonly_fields = ("created_at", "action", "created_by", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(VersionedAdmin):
    list_display = [
        "unit",
        "description",
        "category",
        "found_on",
        "deadline",
        "clock",
        "status",
        "closed_on",
    ]
    list_filter = ["status", "clock", "category", "unit"]
    search_fields = ["description", "unit__name", "project__code"]
    list_select_related = ["unit"]
    raw_id_fields = ["project", "inspection"]
    inlines = [FindingEventInline]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """A notice once issued is a record: it is listed here, never edited."""

    list_display = ["number", "title", "period", "issued_at", "issued_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
