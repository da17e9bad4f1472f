"""Public page of the legal services: /public/legal/ (each community's legal adviser)."""

from django.urls import path

from . import views_public as v

app_name = "legal_public"

urlpatterns = [path("", v.advisers, name="advisers")]
