"""Map pages and their JSON."""

from django.urls import path

from . import views, views_edit

app_name = "maps"
urlpatterns = [
    path("", views.grid_map, name="grids"),
    path("data/", views.grid_data, name="grid_data"),
    path("requests/", views.request_map, name="requests"),
    path("requests/data/", views.request_data, name="request_data"),
    path("area/", views.area_data, name="area"),
    path("boundaries/", views_edit.boundaries, name="boundaries"),
    path("boundaries/<int:pk>/draw/", views_edit.draw, name="draw"),
    path("boundaries/<int:pk>/import/", views_edit.import_file, name="import"),
    path("buildings/<int:pk>/point/", views_edit.building_point, name="building_point"),
]
