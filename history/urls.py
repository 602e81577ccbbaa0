from django.urls import path

from history import views

urlpatterns = [
    path("", views.data_history, name="data_history"),
]
