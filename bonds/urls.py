from django.urls import path

from bonds import views

urlpatterns = [path("", views.fund_list, name="fund_list")]
