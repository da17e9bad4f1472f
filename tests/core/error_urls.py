"""The project's URLs plus one view that fails, to see the 500 page through the whole stack."""

from django.urls import path

from gongzhi.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [*urlpatterns, path("test-boom/", boom)]
