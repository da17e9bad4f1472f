from django.urls import path

from . import views
from . import views_activities as activities

app_name = "volunteers"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("register/", views.register, name="register"),
    *views.PICKER.urls("register/"),
    path("<int:pk>/", views.volunteer, name="volunteer"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/health/", views.health, name="health"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/consent/<int:consent_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("teams/", views.teams, name="teams"),
    path("skills/", views.skills, name="skills"),
    path("mine/", activities.mine, name="mine"),
    path("activities/", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("activities/<int:pk>/", activities.activity, name="activity"),
    path("activities/<int:pk>/signup/", activities.sign_up, name="sign_up"),
    path("activities/<int:pk>/attendee/", activities.add_attendee, name="add_attendee"),
    path("activities/<int:pk>/cancel/", activities.cancel, name="cancel"),
    path("activities/<int:pk>/signup/<int:signup_id>/cancel/", activities.cancel_sign_up, name="cancel_sign_up"),
    path("activities/<int:pk>/signup/<int:signup_id>/confirm/", activities.confirm, name="confirm"),
]
