"""The history page every record has: its audit entries (who, when, through which channel,
what changed from what to what, and why), with ID and phone numbers masked and sensitive tag
names hidden unless the reader may see them on that record's territory path."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import render

from gongzhi.core import manifest, masking

from .models import AuditEntry
from .scoping import has_perm_at

MASKERS = {"id_number": masking.mask_id, "phone": masking.mask_phone}
# Records whose ID and phone numbers are a person's (a unit's office phone is not masked).
PERSON_MODELS = ("registry.resident", "accounts.user")


def entries_for(obj, limit=500):
    """Audit entries of one record, newest first."""
    ct = ContentType.objects.get_for_model(type(obj))
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))[:limit]


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _display(model, name, value, names=None):
    """A choice value shown with its label, a place reference with its name, a list joined;
    everything else as stored."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if getattr(field, "choices", None) and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and value is not None and names is not None:
        return names.get((field.related_model, value), value)
    return value


# Foreign keys shown by name in histories: places, not people (a person's name is shown
# only on pages that check the reader may see that person).
NAMED_MODELS = ("territory.node", "territory.building", "registry.household")


def _place_names(entries, model) -> dict:
    """{(related model, pk): name} for the place references in `entries`, one query per model."""
    wanted = {}
    for entry in entries:
        for data in (entry.before or {}, entry.after or {}):
            for name, value in data.items():
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if (
                    field.is_relation
                    and field.many_to_one
                    and value is not None
                    and field.related_model._meta.label_lower in NAMED_MODELS
                ):
                    wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
    return names


class Reader:
    """What one user may read of audit values: masks identifiers and hides sensitive tags
    where the user lacks the permissions, per territory path."""

    def __init__(self, user, unmask=False):
        self.user = user
        self.unmask = unmask
        self._sensitive_names = None

    def sensitive_names(self):
        if self._sensitive_names is None:
            # The apps' history readers (core/manifest.py) name the sensitive values.
            self._sensitive_names = {v for r in manifest.history_readers().values() for v in r.sensitive_values()}
        return self._sensitive_names

    def value(self, name, value, path, model=None):
        if value in (None, ""):
            return value
        personal = model is None or model._meta.label_lower in PERSON_MODELS
        if name in MASKERS and personal and not (self.unmask and has_perm_at(self.user, "registry.unmask_pii", path)):
            return MASKERS[name](str(value))
        if name == "tags" and isinstance(value, list) and not has_perm_at(self.user, "registry.view_sensitive", path):
            # Dropped, not replaced by a marker: even "has some sensitive tag" is sensitive.
            hidden = self.sensitive_names()
            return [v for v in value if v not in hidden]
        return value

    def load(self, entries):
        """Note which entries concern people carrying sensitive tags (one query per model an
        app's history reader covers)."""
        self._sensitive_ids = {}  # {content type id: ids of records with sensitive data}
        for label, reader in manifest.history_readers().items():
            ct = ContentType.objects.get_by_natural_key(*label.split("."))
            ids = [e.object_id for e in entries if e.content_type_id == ct.pk]
            self._sensitive_ids[ct.pk] = set(reader.sensitive_ids(ids))

    def restricted(self, entry) -> bool:
        """Is this entry about a person in a sensitive group whom the reader may not see?
        (A logged view of a sensitive record, a record carrying sensitive tags now, or one
        whose logged tags include a sensitive one.)"""
        if has_perm_at(self.user, "registry.view_sensitive", entry.node_path):
            return False
        if entry.action == "view":
            return True
        sensitive_ids = getattr(self, "_sensitive_ids", {})
        if entry.content_type_id not in sensitive_ids:  # no app's history reader covers its model
            return False
        if entry.object_id in sensitive_ids[entry.content_type_id]:
            return True
        logged = [*((entry.before or {}).get("tags") or []), *((entry.after or {}).get("tags") or [])]
        return bool(set(logged) & self.sensitive_names())

    def object_label(self, entry) -> str:
        """The record's name as this reader may see it (masked when restricted)."""
        return masking.mask_name(entry.object_repr) if self.restricted(entry) else entry.object_repr

    def changes(self, entry, model=None, names=None, limit=None):
        """[(label, before, after)] of an entry, readable by this user. Empty values of a new
        record are left out; `limit` keeps the first few (for the audit list)."""
        model = model or (entry.content_type.model_class() if entry.content_type_id else None)
        rows = []
        for name, before, after in entry.changed_fields():
            if before is None and after in ("", [], None):
                continue
            before = self.value(name, before, entry.node_path, model)
            after = self.value(name, after, entry.node_path, model)
            if before == after or (before is None and after in ("", [], None)):
                continue
            label = _label(model, name) if model else name
            if model is not None:
                before, after = _display(model, name, before, names), _display(model, name, after, names)
            rows.append((label, before, after))
        if limit is not None and len(rows) > limit:
            rows = [*rows[:limit], ("…", None, "")]
        return rows


def grouped(rows) -> list[tuple]:
    """[(entry, changes, related)] of `rows` [(entry, changes)]: consecutive entries of one
    action (same correlation id) become one group, its first entry leading and the others in
    `related`, so the page shows what one request, command or import did as one block."""
    groups = []
    for entry, changes in rows:
        key = entry.correlation_id
        if key and groups and groups[-1][0].correlation_id == key:
            groups[-1][2].append((entry, changes))
        else:
            groups.append((entry, changes, []))
    return groups


PURPOSE_MAX = 100  # as registry.disclosure.PURPOSE_MAX (core imports no app)


def render_history(request, obj, *, title, back_url, node=None):
    """The history page of `obj` (already fetched through a scoped selector)."""
    path = obj.scope_path()
    may_unmask = has_perm_at(request.user, "registry.unmask_pii", path) and _has_identifiers(obj)
    # Full numbers only on request and for a stated purpose (PIPL Art. 6), kept in the audit entry.
    purpose = " ".join((request.GET.get("purpose") or "").split())
    unmask = may_unmask and request.GET.get("unmask") == "1" and 0 < len(purpose) <= PURPOSE_MAX
    if unmask:
        manifest.provider("log_unmask")(obj, purpose=purpose)
    reader = Reader(request.user, unmask=unmask)
    model = type(obj)
    entries = list(entries_for(obj))
    names = _place_names(entries, model)
    rows = [(e, reader.changes(e, model, names)) for e in entries]
    return render(
        request,
        "core/history.html",
        {
            "object": obj,
            "title": title,
            "back_url": back_url,
            "rows": rows,
            "groups": grouped(rows),
            "node": node,
            "may_unmask": may_unmask and not unmask,
            "purpose_max": PURPOSE_MAX,
        },
    )


def _has_identifiers(obj) -> bool:
    return obj._meta.label_lower in PERSON_MODELS
