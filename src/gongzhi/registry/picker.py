"""The one resident picker of every form that names a registry resident (the hall's enquiries
and 代办, the rules' application log, volunteers, mediation's parties …). Searching uses the
registry's own search (names, pinyin, number fragments: `selectors.search_page`) over the
residents the user may see — sensitive ones only with the right, as the registry decides
(`ResidentQuerySet.visible_to`) — shows the first few with numbers masked, and picking one puts
its id in a hidden field of the form. A resident out of sight is 404; a user the app does not
let pick is 403 (deny by default).

An app makes one `ResidentPicker`, adds `picker.urls("…/")` to its urlpatterns (names
`resident_search` and `resident_pick` in the app's namespace) and includes
"registry/picker/_field.html" in its form. A form with several pickers (mediation's two
parties) gives each a `side`: the hidden field is then `<side>_resident`."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.exceptions import NotFound
from gongzhi.core.web import run_service

from . import selectors

# How many matches a search shows: enough to pick from, few enough for a phone.
PICK_LIMIT = 8


class ResidentPicker:
    """The search and pick views of one app's picker. `allowed(user)` says who may use it;
    `sides` are the pickers one form holds (empty: one, with the field `resident`); `missing`
    is what to say when nothing matches (whether the form takes someone not registered)."""

    def __init__(self, allowed: Callable, *, sides=(), missing=None):
        self.allowed = allowed
        self.sides = tuple(sides)
        self.missing = missing or _("人口库中没有找到该居民，请先在人口库登记。")

    def urls(self, prefix: str) -> list:
        return [
            path(f"{prefix}search/", self.search, name="resident_search"),
            path(f"{prefix}pick/", self.pick, name="resident_pick"),
        ]

    def _side(self, request) -> str:
        side = request.GET.get("side", "")
        if self.sides and side not in self.sides or not self.sides and side:
            raise Http404
        return side

    def _check(self, request):
        if not request.user.is_authenticated or not self.allowed(request.user):
            raise PermissionDenied

    @staticmethod
    def _pick_url(request) -> str:
        return reverse(f"{request.resolver_match.namespace}:resident_pick")

    def search(self, request):
        """Matches for `q` (htmx): up to PICK_LIMIT, each with a button that picks it."""
        self._check(request)
        side = self._side(request)
        q = (request.GET.get("q") or "").strip()[:40]
        results = []
        if q:
            found = selectors.search_page(selectors.residents(request.user), q, cap=PICK_LIMIT)
            results = list(found.queryset[:PICK_LIMIT])
        context = {"results": results, "q": q, "side": side, "pick_url": self._pick_url(request)}
        return render(request, "registry/picker/_results.html", {**context, "missing": self.missing})

    def pick(self, request):
        """The picked resident (htmx): the hidden field and who it is; without `id`, cleared."""
        self._check(request)
        side = self._side(request)
        resident = None
        if request.GET.get("id"):
            if not request.GET["id"].isdigit():
                raise Http404
            resident = selectors.get_resident(request.user, int(request.GET["id"]))
        return render(
            request,
            "registry/picker/_picked.html",
            {"picked": resident, "side": side, "pick_url": self._pick_url(request)},
        )

    @staticmethod
    def picked(request, side: str = ""):
        """The resident a submitted form picked, if the user may see her (else None)."""
        pk = request.POST.get(f"{side}_resident" if side else "resident", "")
        return selectors.residents(request.user).filter(pk=pk).first() if pk.isdigit() else None

    @staticmethod
    def save(form, call):
        """`run_service(form, call)` for a form with a picker: a service that refuses the picked
        resident (out of the user's sight: NotFound or PermissionDenied) is explained on the form
        instead of answering 404/403. Returns what the service returned, or None."""
        try:
            return run_service(form, call)
        except (NotFound, PermissionDenied):
            form.add_error(None, _("请从人口库中选择您辖区内的居民"))
            return None
