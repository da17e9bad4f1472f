"""Territory pages: nodes (区划/网格), buildings and units."""

from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("nodes/", views.node_list, name="node_list"),
    path("nodes/new/", views.node_create, name="node_create"),
    path("nodes/<int:pk>/", views.node_detail, name="node_detail"),
    path("nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/history/", views.node_history, name="node_history"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/new/", views.building_create, name="building_create"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("buildings/<int:pk>/history/", views.building_history, name="building_history"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/history/", views.unit_history, name="unit_history"),
]
