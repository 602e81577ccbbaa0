from django.contrib import admin

from ledger.models import LedgerImport


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "filename", "imported_by"]
    readonly_fields = ["imported_at", "filename", "imported_by", "summary"]
