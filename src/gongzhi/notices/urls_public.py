"""The public notices (no login), mounted at public/notices/: titles and texts only."""

from django.urls import path

from . import views_public

app_name = "notices_public"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<str:code>/", views_public.community, name="community"),
]
