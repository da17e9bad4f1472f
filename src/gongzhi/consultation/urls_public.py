"""The public disclosure boards (村务公开/居务公开) and their index, mounted at public/: no login."""

from django.urls import path

from . import views as v
from .views.documents import public_notice_pdf
from .views.public_index import public_index

app_name = "disclosure"
urlpatterns = [
    path("", public_index, name="index"),
    path("<str:code>/board/", v.public_board, name="board"),
    path("<str:code>/board/verify/", v.public_verify, name="verify"),
    path("<str:code>/board/<int:seq>/notice/", v.public_notice, name="notice"),
    path("<str:code>/board/<int:seq>/notice.pdf", public_notice_pdf, name="notice_pdf"),
]
