from django.contrib import admin

from batches.models import Batch, BatchEntry
from core.versioning import VersionedAdmin


@admin.register(Batch)
class BatchAdmin(VersionedAdmin):
    list_display = ["name", "year", "quarter"]
    list_filter = ["year", "quarter"]
    search_fields = ["name"]


@admin.register(BatchEntry)
class BatchEntryAdmin(VersionedAdmin):
    list_display = ["batch", "kind", "project", "target_date"]
    list_filter = ["batch", "kind"]
    search_fields = ["project__code", "project__name", "batch__name"]
    list_select_related = ["batch", "project"]
    raw_id_fields = ["project"]
