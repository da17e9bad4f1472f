from django.urls import path

from . import views, views_public

app_name = "services"

urlpatterns = [
    path("items/", views.items, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("enquiries/", views.enquiries, name="enquiries"),
    path("enquiries/new/", views.enquiry_new, name="enquiry_new"),
    *views.PICKER.urls("enquiries/"),
    path("enquiries/<int:pk>/", views.enquiry, name="enquiry"),
    path("enquiries/<int:pk>/handover/", views.enquiry_handover, name="enquiry_handover"),
    path("enquiries/<int:pk>/close/", views.enquiry_close, name="enquiry_close"),
    path("errands/", views.errands, name="errands"),
    path("errands/new/", views.errand_new, name="errand_new"),
    path("errands/<int:pk>/", views.errand, name="errand"),
    path("errands/<int:pk>/handover/", views.errand_handover, name="errand_handover"),
    path("errands/<int:pk>/<str:action>/", views.errand_step, name="errand_step"),
    path("figures/", views.figures, name="figures"),
    path("mine/", views_public.mine, name="mine"),
]
