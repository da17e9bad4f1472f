"""Login, logout, the home page and the user's own account page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account as account_views
from .views import home as views

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
]
