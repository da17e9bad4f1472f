"""The public rules of points schemes (no login), mounted at public/points/: rules only."""

from django.urls import path

from . import views

app_name = "points_public"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<int:pk>/", views.public_scheme, name="scheme"),
]
