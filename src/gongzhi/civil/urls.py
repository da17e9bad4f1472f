from django.urls import path

from .views import applications, rules, stability

app_name = "civil"

urlpatterns = [
    path("rules/", rules.document_list, name="document_list"),
    path("rules/new/", rules.document_create, name="document_create"),
    path("rules/<int:pk>/", rules.document_detail, name="document_detail"),
    path("rules/<int:pk>/revise/", rules.revision_start, name="revision_start"),
    path("rules/<int:pk>/print.pdf", rules.document_print, name="document_print"),
    path("versions/<int:pk>/", rules.version_detail, name="version_detail"),
    path("versions/<int:pk>/print.pdf", rules.version_print, name="version_print"),
    path("versions/<int:pk>/article/", rules.article_set, name="article_set"),
    path("versions/<int:pk>/article/remove/", rules.article_remove, name="article_remove"),
    path("versions/<int:pk>/matter/", rules.version_link, name="version_link"),
    path("versions/<int:pk>/adopt/", rules.version_adopt, name="version_adopt"),
    path("versions/<int:pk>/publish/", rules.version_publish, name="version_publish"),
    path("applications/", applications.application_list, name="application_list"),
    path("applications/new/", applications.application_create, name="application_create"),
    *applications.PICKER.urls("applications/"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("assessments/", stability.assessment_list, name="assessment_list"),
    path("assessments/matter/<int:matter_pk>/", stability.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", stability.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/file/", stability.assessment_file, name="assessment_file"),
]
