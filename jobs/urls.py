from django.urls import path

from jobs import views

urlpatterns = [
    path("<uuid:job_id>/", views.job_progress, name="job_progress"),
    path("<uuid:job_id>/file/", views.job_file, name="job_file"),
]
