"""Staff pages of service requests, under /requests/staff/ (login required on every page)."""

from django.urls import path
from django.views.generic import RedirectView

from .views import desk
from .views import staff as v

app_name = "requests_staff"

urlpatterns = [
    path("", v.request_list, name="list"),
    path("dispatch/", v.dispatch_queue, name="dispatch_queue"),
    path("mine/", v.my_queue, name="my_queue"),
    path("overdue/", v.overdue_list, name="overdue"),
    path("visits/", v.visit_queue, name="visit_queue"),
    path("<int:pk>/", v.request_detail, name="detail"),
    path("<int:pk>/contact/", v.contact_requester, name="contact"),
    path("<int:pk>/act/<slug:name>/", v.act, name="act"),
    path("<int:pk>/photos/<int:photo_id>/", v.photo, name="photo"),
    path("file/field/", desk.file_from_field, name="file_field"),
    path("file/hotline/", desk.file_from_call, name="file_hotline"),
    path("file/duplicates/", desk.intake_duplicates, name="intake_duplicates"),
    # The inbox moved to the case engine (/inbox/, every case type); old links and bookmarks
    # still arrive there.
    path("inbox/", RedirectView.as_view(pattern_name="cases:inbox", query_string=True), name="inbox"),
    path("stats/", desk.statistics, name="stats"),
]
