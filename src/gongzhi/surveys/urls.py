from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/open/", views.survey_open, name="open"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/paper/", views.survey_paper, name="paper"),
    path("<int:pk>/door/", views.door_list, name="door"),
    path("<int:pk>/door/<int:household_id>/", views.door_answer, name="door_answer"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
