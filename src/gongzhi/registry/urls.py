"""Registry pages: residents and households."""

from django.urls import path

from .views import delete as dv
from .views import households as hv
from .views import residents as views

app_name = "registry"
urlpatterns = [
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident_move"),
    path("residents/<int:pk>/delete/", dv.resident_delete, name="resident_delete"),
    path("residents/<int:pk>/unmask/", views.resident_unmask, name="resident_unmask"),
    path("residents/<int:pk>/call/", views.resident_call, name="resident_call"),
    path("residents/<int:pk>/history/", views.resident_history, name="resident_history"),
    path("households/", hv.household_list, name="household_list"),
    path("households/new/", hv.household_create, name="household_create"),
    path("households/<int:pk>/", hv.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", hv.household_edit, name="household_edit"),
    path("households/<int:pk>/delete/", dv.household_delete, name="household_delete"),
    path("households/<int:pk>/history/", hv.household_history, name="household_history"),
]
