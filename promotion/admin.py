from django.contrib import admin

from core.versioning import VersionedAdmin
from promotion.models import Activity


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin):
    list_display = ["held_on", "kind", "led_by", "unit", "counterpart", "batches", "people"]
    list_filter = ["kind", "led_by"]
    search_fields = ["counterpart", "unit__name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    filter_horizontal = ["projects"]
