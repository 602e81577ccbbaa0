from django.urls import path

from upstream import views

urlpatterns = [
    path("", views.upstream_list, name="upstream_list"),
    path("<int:pk>/", views.upstream_detail, name="upstream_detail"),
    path("<int:pk>/download.xlsx", views.upstream_download, name="upstream_download"),
    path("<int:pk>/original.xlsx", views.upstream_original, name="upstream_original"),
]
