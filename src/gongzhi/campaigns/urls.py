from django.urls import path

from . import views, views_door, views_offline

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/questions/", views.add_question, name="add_question"),
    path("<int:pk>/questions/<int:question_id>/delete/", views.delete_question, name="delete_question"),
    path("<int:pk>/launch/", views.launch_view, name="launch"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/results/", views.results_page, name="results"),
    path("mine/", views_door.mine, name="mine"),
    path("mine/pending/", views_door.pending, name="pending"),
    path("mine/<int:pk>/", views_door.households, name="households"),
    path("mine/<int:pk>/offline/", views_offline.shell, name="shell"),
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("household/<int:pk>/", views_door.household, name="household"),
    path("household/<int:pk>/fill/", views_door.fill, name="fill"),
    path("household/<int:pk>/request/", views_door.to_request, name="to_request"),
    path("household/<int:pk>/registry/", views_door.to_registry, name="to_registry"),
    path("household/<int:pk>/photo/<int:photo_id>/", views_door.photo, name="photo"),
]
