"""Dashboard pages."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.board, name="board"),
    path("screen/", views.screen, name="screen"),
]
