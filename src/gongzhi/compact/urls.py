"""Compact (政社互动) pages under /compact/."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "compact"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="compact:task_list"), name="index"),
    path("lists/", views.list_index, name="lists"),
    path("lists/new/", views.list_create, name="list_create"),
    path("lists/<str:kind>/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<str:kind>/<int:pk>/publish/", views.list_publish, name="list_publish"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.assign, name="assign"),
    path("tasks/override/", views.override, name="override"),
    path("tasks/refusals/", views.refusal_list, name="refusal_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/evidence/<int:file_pk>/", views.evidence_file, name="evidence_file"),
    path("tasks/<int:pk>/<str:action>/", views.task_action, name="task_action"),
    path("redcards/", views.redcard_list, name="redcard_list"),
    path("redcards/<int:pk>/", views.redcard_detail, name="redcard_detail"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/score/<str:subject>/", views.score_form, name="score_form"),
    path("rounds/<int:pk>/payments/", views.round_payments, name="round_payments"),
    path("rounds/<int:pk>/<str:action>/", views.round_action, name="round_action"),
    path("report/", views.burden, name="burden"),
]
