from django.urls import path

from . import views, views_resident, views_tell

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/broadcast/", views.broadcast, name="broadcast"),
    path("<int:pk>/broadcast/sheet/", views.broadcast_sheet, name="broadcast_sheet"),
    path("<int:pk>/deliveries/", views.deliveries, name="deliveries"),
    path("tell/", views_tell.tell, name="tell"),
    path("<int:pk>/tell/", views_tell.tell_notice, name="tell_notice"),
    path("<int:pk>/tell/<int:resident_id>/", views_tell.mark_told, name="mark_told"),
    path("mine/", views_resident.mine, name="mine"),
    path("mine/<int:pk>/", views_resident.read, name="read"),
]
