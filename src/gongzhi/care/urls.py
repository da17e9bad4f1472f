from django.urls import include, path

from . import views, views_offline

app_name = "care"

urlpatterns = [
    path("", views.my_list, name="my_list"),
    path("item/<int:item_id>/visit/", views.record, name="record"),
    path("visit/<int:visit_id>/", views.visit, name="visit"),
    path("visit/<int:visit_id>/request/", views.to_request, name="to_request"),
    path("visit/<int:visit_id>/dispute/", views.to_dispute, name="to_dispute"),
    path("visit/<int:visit_id>/registry/", views.to_registry, name="to_registry"),
    path("visit/<int:visit_id>/photos/", views.add_photos, name="add_photos"),
    path("visit/<int:visit_id>/photo/<int:photo_id>/", views.photo, name="photo"),
    path("completion/", views.completion, name="completion"),
    path("figures/", views.figures, name="figures"),
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("offline/visit/", views_offline.offline_form, name="offline_form"),
    path("volunteers/", include("gongzhi.care.volunteering.urls")),
    path("points/", include("gongzhi.care.points.urls")),
]
