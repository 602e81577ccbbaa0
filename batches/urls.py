from django.urls import path

from batches import views

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("new/", views.batch_create, name="batch_create"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("<int:pk>/entries/", views.entries_add, name="batch_entries_add"),
    path("entries/<int:pk>/", views.entry_edit, name="batch_entry_edit"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="batch_entry_remove"),
]
