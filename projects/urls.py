from django.urls import path

from projects import views

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
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
