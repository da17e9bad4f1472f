from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("advisers/", views.advisers, name="advisers"),
    path("advisers/new/", views.adviser_new, name="adviser_new"),
    path("advisers/<int:pk>/edit/", views.adviser_edit, name="adviser_edit"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("consultations/<int:pk>/mediate/", views.consultation_mediate, name="consultation_mediate"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("referrals/<int:pk>/<str:action>/", views.referral_decide, name="referral_decide"),
    path("activities/", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/attendees/add/", views.attendee_add, name="attendee_add"),
    path("activities/<int:pk>/attendees/<int:resident_pk>/remove/", views.attendee_remove, name="attendee_remove"),
    path("figures/", views.figures, name="figures"),
    *views.PICKER.urls("pick/"),
    path("attendees/search/", views.attendee_search, name="attendee_search"),
    path("attendees/pick/", views.attendee_pick, name="attendee_pick"),
]
