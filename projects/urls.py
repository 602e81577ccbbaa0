from django.conf import settings
from django.urls import path
from django.utils.module_loading import import_string

from projects.views import register as views

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    # The name is ours (`Project.get_absolute_url`); the page is drawn by the view settings name.
    path("<int:pk>/", import_string(settings.PROJECT_PAGE_VIEW), name="project_detail"),
    path("new/", views.project_edit, name="project_create"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/plans/new/", views.plan_add, name="plan_add"),
    path("<int:pk>/plans/<int:year>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/replace/", views.project_replace, name="project_replace"),
    path("<int:pk>/milestones/", views.milestones, name="milestones"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/edit/", views.milestone_edit, name="milestone_edit"
    ),
]
