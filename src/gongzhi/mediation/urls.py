"""Staff pages of people's mediation, under /mediation/ (login required on every page)."""

from django.urls import path

from . import views as v

app_name = "mediation"

urlpatterns = [
    path("", v.dispute_list, name="list"),
    path("review/", v.review, name="review"),
    path("review/act/<str:name>/", v.review_act, name="review_act"),
    path("review/forms/", v.review_forms, name="review_forms"),
    path("stats/", v.statistics, name="stats"),
    path("register/", v.register, name="register"),
    *v.PICKER.urls("register/residents/"),
    path("from-request/<int:request_pk>/", v.transfer, name="transfer"),
    path("<int:pk>/", v.dispute_detail, name="detail"),
    path("<int:pk>/agreement.pdf", v.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/case-file.pdf", v.case_file_pdf, name="case_file_pdf"),
    path("<int:pk>/attachments/", v.upload, name="upload"),
    path("<int:pk>/attachments/<int:file_pk>/", v.download, name="download"),
    path("<int:pk>/parties/<int:party_pk>/unmask/", v.unmask, name="unmask"),
    path("<int:pk>/invite/<int:mediator_id>/", v.invite, name="invite"),
    path("<int:pk>/act/<str:name>/", v.act, name="act"),
]
