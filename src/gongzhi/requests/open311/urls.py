"""/open311/v2/…{.xml,.json}; anything else under it answers an Open311 404."""

from django.urls import path, re_path

from . import views

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, views.services, name="open311-services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, views.requests_, name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, views.request_detail, name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token, name="open311-token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="open311-updates"),
    path("<path:rest>", views.unknown),
    path("", views.unknown),
]
