"""Login, logout, the home page, the user's own account page, a resident linking their
account (join/) and the staff screen linking residents' accounts (resident-accounts/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account as account_views
from .views import home as views
from .views import join, staff
from .views import linking as link_views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.change_password, name="account_password"),
    path("account/tokens/", account_views.issue_token, name="account_token_issue"),
    path("account/tokens/<int:token_id>/revoke/", account_views.revoke_token, name="account_token_revoke"),
    path("users/", staff.user_list, name="staff_users"),
    path("users/new/", staff.user_create, name="staff_user_create"),
    path("users/<int:pk>/", staff.user_detail, name="staff_user"),
    path("users/<int:pk>/grant/", staff.user_grant, name="staff_user_grant"),
    path("users/<int:pk>/roles/<int:membership_id>/withdraw/", staff.user_withdraw, name="staff_user_withdraw"),
    path("users/<int:pk>/active/", staff.user_active, name="staff_user_active"),
    path("users/<int:pk>/password/", staff.user_reset_password, name="staff_user_password"),
    path("join/", join.start, name="join"),
    path("join/code/", join.confirm, name="join_code"),
    path("resident-accounts/", link_views.search, name="resident_accounts"),
    path("resident-accounts/<int:pk>/", link_views.detail, name="resident_link"),
    path("resident-accounts/<int:pk>/link/", link_views.link_existing, name="resident_link_existing"),
    path("resident-accounts/<int:pk>/create/", link_views.create_account, name="resident_create_account"),
    path("resident-accounts/<int:pk>/unlink/", link_views.unlink, name="resident_unlink"),
    path("resident-accounts/<int:pk>/code/", link_views.reveal_code, name="resident_reveal_code"),
]
