from django.contrib import admin

from bonds.models import FundApplication
from core.versioning import VersionedAdmin


@admin.register(FundApplication)
class FundApplicationAdmin(VersionedAdmin):
    list_display = ["project", "fund_type", "year", "batch", "requested", "approved", "allocated",
                    "spent", "status"]  # fmt: skip
    list_filter = ["fund_type", "status", "year"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
