from django.urls import path

from opendata import views

urlpatterns = [
    path("", views.opendata_page, name="opendata"),
    path("oc4ids.json", views.oc4ids_download, name="oc4ids_download"),
]
