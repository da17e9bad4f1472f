"""Reusable tests for the list, detail, create, edit and delete pages of a model.

A subclass declares the URL names, the model, how to make a record, valid form data and the
permission each page needs; the base class then checks, for every page it has, the rows of
docs/permissions.md:

- anonymous → redirected to the login page;
- signed in without the page's permission (but with every other one of the model) → 403;
- with the permission on the community holding the record → 200;
- with it on another community → 404 for a record's pages (existence does not leak), the
  record missing from the list, and a create aimed at the record's grid refused with nothing
  written;

and that a create, edit or delete through the page writes exactly one audit entry, with the
expected action, on the record concerned — and nothing when refused.

Users get a role made for the test holding exactly the permissions in play, so a row fails
when a view checks the wrong permission, not only when a seeded role happens to differ.

    class TestResidentViews(ViewCases):
        namespace = "registry"
        model = Resident
        urls = {"list": "resident_list", "detail": "resident_detail", …}
        perms = {"list": "registry.view_resident", …}
        def make(self, town): …            # a record in the `home` community
        def create_data(self, town): …     # a valid create form aimed at that community
        def edit_data(self, obj): …        # a valid edit form of `obj`
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import resolve_url
from django.urls import reverse

from gongzhi.core.models import AuditEntry

from .factories import make_user_with_perms

ACTIONS = ("list", "detail", "create", "edit", "delete")
OBJECT_ACTIONS = ("detail", "edit", "delete")
WRITES = {"create": "create", "edit": "update", "delete": "delete"}


def _actions(*names):
    """Run the decorated test for these actions only (those the subclass has)."""

    def mark(fn):
        fn.actions = names
        return fn

    return mark


class ViewCases:
    namespace: str = ""
    model = None
    urls: dict = {}  # action → URL name (without the namespace)
    perms: dict = {}  # action → "app.codename" the page requires
    extra_perms: tuple = ()  # held by every signed-in user of these tests (a form's choices …)
    home, away = "c1", "c2"  # the community of the record, and another one

    # ---- per model ----------------------------------------------------------------------
    def make(self, town):
        """A record in the `home` community."""
        raise NotImplementedError

    def create_data(self, town) -> dict:
        raise NotImplementedError

    def edit_data(self, obj) -> dict:
        raise NotImplementedError

    def delete_data(self, obj) -> dict:
        return {"reason": "误登记", "expected_version": obj.version}

    # ---- plumbing -----------------------------------------------------------------------
    def pytest_generate_tests(self, metafunc):
        if "action" in metafunc.fixturenames:
            wanted = getattr(metafunc.function, "actions", ACTIONS)
            metafunc.parametrize("action", [a for a in wanted if a in self.urls])

    def url(self, action, obj=None):
        name = f"{self.namespace}:{self.urls[action]}"
        return reverse(name, args=[obj.pk]) if action in OBJECT_ACTIONS else reverse(name)

    def user_with(self, perms, node):
        """A user whose only role, on `node`, holds exactly `perms`."""
        return make_user_with_perms({*perms, *self.extra_perms}, node)

    def signed_in(self, client, perms, node):
        client.force_login(self.user_with(perms, node))
        return client

    def new_entries(self, since: int):
        return list(AuditEntry.objects.filter(pk__gt=since).order_by("pk"))

    @staticmethod
    def last_entry() -> int:
        return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def request(self, client, action, town, obj):
        """GET the page (a write's form), as the tests of reading rights need."""
        return client.get(self.url(action, obj))

    # ---- the rows -----------------------------------------------------------------------
    def test_anonymous_is_sent_to_login(self, client, town, action):
        obj = self.make(town)
        response = self.request(client, action, town, obj)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")

    def test_without_the_permission_is_refused(self, client, town, action):
        obj = self.make(town)
        others = set(self.perms.values()) - {self.perms[action]}
        self.signed_in(client, others, town[self.home])
        assert self.request(client, action, town, obj).status_code == 403

    def test_with_the_permission_in_scope_is_shown(self, client, town, action):
        obj = self.make(town)
        self.signed_in(client, [self.perms[action]], town[self.home])
        response = self.request(client, action, town, obj)
        assert response.status_code == 200
        if action == "list" and "detail" in self.urls:
            assert self.url("detail", obj) in response.content.decode()

    @_actions(*OBJECT_ACTIONS)
    def test_out_of_scope_record_is_not_found(self, client, town, action):
        obj = self.make(town)
        self.signed_in(client, [self.perms[action]], town[self.away])
        assert self.request(client, action, town, obj).status_code == 404

    @_actions("list")
    def test_out_of_scope_record_is_not_listed(self, client, town, action):
        obj = self.make(town)
        self.signed_in(client, [self.perms["list"], self.perms.get("detail", self.perms["list"])], town[self.away])
        response = self.request(client, action, town, obj)
        assert response.status_code == 200
        assert self.url("detail", obj) not in response.content.decode()

    @_actions(*WRITES)
    def test_write_records_one_audit_entry(self, client, town, action):
        obj = self.make(town)
        self.signed_in(client, [self.perms[action]], town[self.home])
        before = set(self.model.objects.values_list("pk", flat=True))
        since = self.last_entry()
        data = self.create_data(town) if action == "create" else getattr(self, f"{action}_data")(obj)
        url = self.url(action, obj)
        response = client.post(url, data)
        assert response.status_code == 302, _form_errors(response)
        if action == "create":
            (pk,) = set(self.model.objects.values_list("pk", flat=True)) - before
        else:
            pk = obj.pk
            assert self.model.objects.filter(pk=pk).exists() == (action != "delete")
        entries = self.new_entries(since)
        content_type = ContentType.objects.get_for_model(self.model)
        assert [(e.action, e.content_type_id, e.object_id) for e in entries] == [
            (WRITES[action], content_type.pk, str(pk))
        ]
        assert entries[0].source == "web"

    @_actions(*WRITES)
    def test_write_out_of_scope_changes_nothing(self, client, town, action):
        obj = self.make(town)
        self.signed_in(client, [self.perms[action]], town[self.away])
        before = set(self.model.objects.values_list("pk", flat=True))
        since = self.last_entry()
        data = self.create_data(town) if action == "create" else getattr(self, f"{action}_data")(obj)
        response = client.post(self.url(action, obj), data)
        # A record's pages do not exist for this user; a create aimed at a grid they may not
        # use comes back as the form with the error on it.
        assert response.status_code == (200 if action == "create" else 404)
        assert set(self.model.objects.values_list("pk", flat=True)) == before
        assert self.new_entries(since) == []


def _form_errors(response) -> str:
    context = getattr(response, "context", None) or {}
    form = context.get("form") if hasattr(context, "get") else None
    return f"{response.status_code}: {form.errors.as_data() if form is not None else ''}"
