"""The inbox of every signed-in user, under /inbox/."""

from django.urls import path

from . import views as v

app_name = "cases"

urlpatterns = [
    path("", v.inbox, name="inbox"),
    path("read/", v.mark_read, name="inbox_read"),
    path("unread/", v.unread_badge, name="inbox_unread"),
]
