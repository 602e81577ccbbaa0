from django.urls import path

from backup import views

urlpatterns = [
    path("", views.backup_page, name="backup_page"),
    path("start/", views.backup_start, name="backup_start"),
    path("restore/", views.backup_restore, name="backup_restore"),
]
