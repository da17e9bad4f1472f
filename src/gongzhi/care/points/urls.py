"""Staff and resident pages of points schemes, mounted at care/points/ (namespace care:points)."""

from django.urls import path

from . import views, views_entries

app_name = "points"

urlpatterns = [
    path("", views.schemes, name="schemes"),
    path("new/", views.scheme_new, name="scheme_new"),
    path("mine/", views.mine, name="mine"),
    path("appeals/", views_entries.appeals, name="appeals"),
    path("<int:pk>/", views.scheme, name="scheme"),
    path("<int:pk>/rules/", views.rule_add, name="rule_add"),
    path("<int:pk>/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/entries/", views_entries.entries, name="entries"),
    path("<int:pk>/entries/new/", views_entries.entry_new, name="entry_new"),
    path("<int:pk>/ranking/", views_entries.ranking, name="ranking"),
    path("<int:pk>/participant/<int:resident_id>/", views_entries.statement, name="statement"),
    path("entry/<int:entry_id>/", views_entries.entry, name="entry"),
    path("entry/<int:entry_id>/decide/", views_entries.decide, name="decide"),
    path("entry/<int:entry_id>/appeal/", views_entries.appeal, name="appeal"),
    path("entry/<int:entry_id>/appeal/decide/", views_entries.appeal_decide, name="appeal_decide"),
    path("entry/<int:entry_id>/file/<int:file_id>/", views_entries.entry_file, name="file"),
]
