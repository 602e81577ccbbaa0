from django.urls import path

from bonds import views

urlpatterns = [
    path("", views.fund_list, name="fund_list"),
    path("new/", views.fund_create, name="fund_create"),
    path("<int:pk>/", views.fund_detail, name="fund_detail"),
    path("<int:pk>/edit/", views.fund_edit, name="fund_edit"),
    path("<int:pk>/files/", views.fund_attach, name="fund_attach"),
    path("files/<int:pk>/", views.fund_file, name="fund_file"),
    path("<int:pk>/spending/", views.fund_spending_add, name="fund_spending_add"),
    path("spending/<int:pk>/delete/", views.fund_spending_delete, name="fund_spending_delete"),
    path("clock-rules/", views.fund_clock_rules, name="fund_clock_rules"),
]
