"""Resident import pages (upload, template download, error workbook download)."""

from django.urls import path

from .views import imports as views_import

app_name = "registry_import"
urlpatterns = [
    path("", views_import.page, name="page"),
    path("template.xlsx", views_import.template, name="template"),
    path("errors/<str:token>/", views_import.errors, name="errors"),
]
