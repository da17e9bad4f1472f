"""Public pages of the service hall: /public/services/ (catalogue) and /public/services/track/."""

from django.urls import path

from . import views_public as v

app_name = "services_public"

urlpatterns = [
    path("", v.catalogue, name="catalogue"),
    path("track/", v.track, name="track"),
]
