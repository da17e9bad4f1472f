"""URL map: the web UI by app, the JSON API under /api/v1, the back office under /admin."""

import os

from django.contrib import admin
from django.urls import include, path, re_path

from gongzhi.api import api, unknown_path
from gongzhi.core import errors, workbench

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", unknown_path),
    path("import/", include("gongzhi.registry.urls_import")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gongzhi.accounts.urls")),
    path("", include("gongzhi.registry.urls")),
    path("territory/", include("gongzhi.territory.urls")),
    path("audit/", include("gongzhi.core.urls")),
    path("consultation/", include("gongzhi.consultation.urls")),
    path("public/notices/", include("gongzhi.notices.urls_public")),
    path("notices/", include("gongzhi.notices.urls")),
    path("public/points/", include("gongzhi.care.points.urls_public")),
    path("public/services/", include("gongzhi.services.urls_public")),
    path("public/legal/", include("gongzhi.legal.urls_public")),
    path("public/", include("gongzhi.consultation.urls_public")),
    path("open311/v2/", include("gongzhi.requests.open311.urls")),
    path("requests/staff/", include("gongzhi.requests.urls_staff")),
    path("requests/", include("gongzhi.requests.urls_public")),
    path("compact/", include("gongzhi.compact.urls")),
    path("care/", include("gongzhi.care.urls")),
    path("civil/", include("gongzhi.civil.urls")),
    path("organisations/", include("gongzhi.organisations.urls")),
    path("services/", include("gongzhi.services.urls")),
    path("legal/", include("gongzhi.legal.urls")),
    path("crosscheck/", include("gongzhi.crosscheck.urls")),
    path("campaigns/", include("gongzhi.campaigns.urls")),
    path("surveys/", include("gongzhi.surveys.urls")),
    path("mediation/", include("gongzhi.mediation.urls")),
    path("maps/", include("gongzhi.maps.urls")),
    path("dashboards/", include("gongzhi.dashboards.urls")),
    path("inbox/", include("gongzhi.cases.urls")),
    path("workbench/badges/", workbench.badges, name="badges"),
]

# Branded error pages (core/errors.py): plain templates, no database, nothing about the request.
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

if os.environ.get("GONGZHI_BENCH") == "1":  # bench/api.py only: the plain JsonResponse baseline
    urlpatterns.append(path("", include("gongzhi.core.bench_urls")))
    urlpatterns.append(path("", include("gongzhi.registry.bench_urls")))
