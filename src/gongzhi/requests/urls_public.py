"""Public pages of service requests: /requests/public/ (file) and /requests/track/."""

from django.urls import path

from .views import public as v

app_name = "requests_public"

urlpatterns = [
    path("public/", v.file_request, name="file"),
    path("public/filed/", v.filed, name="filed"),
    path("track/", v.track, name="track"),
]
