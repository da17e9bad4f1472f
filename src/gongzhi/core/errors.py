"""The error pages (403, 404, 500 and a refused form, CSRF), branded, in the user's language,
sized for a phone, each with a way back.

They are rendered from one plain template without the request's context processors: no menu,
no user, no database query — so the 500 page still shows when the database is down, and no
page says anything about what was asked for (an object out of scope answers the same 404 as
one that does not exist)."""

from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

TEMPLATE = "errors/error.html"


def _page(status: int, title: str, message: str) -> HttpResponse:
    body = loader.get_template(TEMPLATE).render({"status": status, "title": title, "message": message})
    return HttpResponse(body, status=status)


def permission_denied(request, exception=None):
    return _page(403, _("没有权限"), _("您没有查看此页面或进行此操作的权限。如需开通，请联系社区或系统管理员。"))


def page_not_found(request, exception=None):
    return _page(404, _("页面不存在"), _("您要找的页面不存在，或您没有查看它的权限。"))


def server_error(request):
    return _page(500, _("系统出错了"), _("系统暂时出现问题，已记录。请稍后再试；如一直出现，请联系系统管理员。"))


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form sent from a page open too long (or after logging in
    elsewhere) — nothing was saved; go back, reload and send it again."""
    return _page(
        403,
        _("页面已过期"),
        _("表单已失效，内容没有保存。请返回上一页，刷新后重新填写提交（如打开页面太久或已重新登录，会出现这种情况）。"),
    )
