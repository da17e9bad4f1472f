from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.orgs, name="orgs"),
    path("new/", views.org_new, name="org_new"),
    path("<int:pk>/", views.org, name="org"),
    path("<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    *views.PICKER.urls("residents/"),
    path("services/", views.services_list, name="services"),
    path("services/new/", views.service_new, name="service_new"),
    path("services/<int:pk>/", views.service, name="service"),
    path("services/<int:pk>/evaluate/", views.service_evaluate, name="service_evaluate"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/pledges/", views.pledge_new, name="pledge_new"),
    path("units/<int:pk>/agreements/", views.agreement_new, name="agreement_new"),
    path("<int:pk>/seats/", views.org_seat_add, name="org_seat_add"),
    path("<int:pk>/tasks/", views.org_task_add, name="org_task_add"),
    path("units/<int:pk>/seats/", views.unit_seat_add, name="unit_seat_add"),
    path("units/<int:pk>/tasks/", views.unit_task_add, name="unit_task_add"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("task-owners/<int:pk>/remove/", views.task_release, name="task_release"),
    path("pledges/", views.pledges, name="pledges"),
    path("pledges/<int:pk>/<str:action>/", views.pledge_move, name="pledge_move"),
]
