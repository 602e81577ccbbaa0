from django.urls import path

from ledger import views

urlpatterns = [
    path("", views.ledger_import_page, name="ledger_import"),
    path("template.xlsx", views.template_download, name="ledger_template"),
    path("export.xlsx", views.ledger_export, name="ledger_export"),
    path("changes.xlsx", views.preview_changes, name="ledger_changes"),
]
