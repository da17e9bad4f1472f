"""The public disclosure board (村务公开/居务公开), mounted at public/: no login."""

from django.urls import path

from . import views as v
from .views.documents import public_notice_pdf

app_name = "disclosure"
urlpatterns = [
    path("<str:code>/board/", v.public_board, name="board"),
    path("<str:code>/board/verify/", v.public_verify, name="verify"),
    path("<str:code>/board/<int:seq>/notice/", v.public_notice, name="notice"),
    path("<str:code>/board/<int:seq>/notice.pdf", public_notice_pdf, name="notice_pdf"),
]
