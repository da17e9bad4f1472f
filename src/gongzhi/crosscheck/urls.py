from django.urls import path

from . import views

app_name = "crosscheck"

urlpatterns = [
    path("", views.findings, name="findings"),
    path("<int:pk>/", views.finding, name="finding"),
    path("<int:pk>/mark/", views.mark, name="mark"),
]
