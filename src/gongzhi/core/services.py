"""Generic write services: validate, save, bump the version and write the audit entry in one
transaction. App services (territory, registry …) call these after their own domain checks;
views, the API, the admin and the CLI call the app services, never `Model.save()` directly."""

import datetime as dt
import decimal
import uuid

from django.db import models, transaction
from django.utils import timezone

from . import audit_rows
from .audit_rows import bounded_reason  # noqa: F401 (imported from here by older callers)
from .choices import AuditAction
from .exceptions import StaleObject
from .models import AuditEntry


def _plain(value):
    """A JSON-safe form of a field value for the audit snapshot."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def snapshot(obj) -> dict:
    """Concrete field values of `obj` (foreign keys as ids), minus bookkeeping fields."""
    exclude = set(getattr(obj, "AUDIT_EXCLUDE", ())) | {"id"}
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname if not field.is_relation else field.name] = _plain(getattr(obj, field.attname))
    return data


def node_path_of(obj) -> str:
    """The territory path a record belongs to, for scoping its audit entries."""
    getter = getattr(obj, "scope_path", None)
    return (getter() if callable(getter) else getter) or ""


def record(action, obj=None, **fields):
    """Write one audit entry as the current actor (`build_entry` takes the same arguments). Used
    directly for views, unmasking and exports."""
    entry = build_entry(action, obj, **fields)
    entry.save(force_insert=True)
    return entry


def record_export(user, perm, model, what, rows, *, node_path=None, **facts):
    """The audit entry of an export of a list (Excel, CSV): what was exported, how many rows
    (and any other `facts`), filed under the user's one subtree for `perm` — or '' when she
    holds it on several — unless `node_path` says where."""
    from .scoping import scope_path

    return record(
        AuditAction.EXPORT,
        None,
        model=model,
        object_repr=what,
        node_path=scope_path(user, perm) if node_path is None else node_path,
        after={"rows": rows, **facts},
    )


def record_many(entries) -> list:
    """Insert entries made by `build_entry` in one statement (a list page logging each row it
    showed would otherwise cost one INSERT per row)."""
    entries = list(entries)
    return AuditEntry.objects.bulk_create(entries) if entries else []


def build_entry(
    action,
    obj=None,
    *,
    before=None,
    after=None,
    reason="",
    object_repr=None,
    model=None,
    node_path=None,
    object_id=None,
):
    """The unsaved audit entry `record` writes, as the current actor: the record's kind, id,
    text and territory path taken from `obj` unless given, the rest decided by
    `core.audit_rows` — the one builder of audit rows, which the raw writers use too."""
    return audit_rows.entry(
        action,
        model=model or (type(obj) if obj is not None else None),
        object_id=object_id if object_id is not None else (obj.pk if obj is not None and obj.pk is not None else ""),
        object_repr=object_repr if object_repr is not None else str(obj) if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
        node_path=node_path if node_path is not None else (node_path_of(obj) if obj is not None else ""),
    )


def _m2m_names(obj, name) -> list[str]:
    return sorted(str(o) for o in getattr(obj, name).all())


def create(model: type[models.Model], *, reason="", m2m: dict | None = None, **fields):
    """Validate and insert a record (with many-to-many values in `m2m`), and log its values."""
    with transaction.atomic():
        obj = model(**fields)
        obj.full_clean()
        obj.save()
        after = snapshot(obj)
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
            after[name] = _m2m_names(obj, name)
        record(AuditAction.CREATE, obj, after=after, reason=reason)
        return obj


def check_version(obj, expected_version):
    """Raise StaleObject unless `obj`'s stored version is `expected_version` (None: no check).
    Every versioned write asks this one function, inside its transaction."""
    if expected_version is None:
        return
    # Locked read: on PostgreSQL two writers holding the same If-Match must not both pass.
    # (SQLite ignores the lock; its IMMEDIATE transactions already serialise writers.)
    current = type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
    if current is None or int(expected_version) != current:
        obj.version = current if current is not None else obj.version
        raise StaleObject(obj, expected_version)


def update(
    obj,
    changes: dict,
    *,
    reason="",
    expected_version=None,
    action=AuditAction.UPDATE,
    m2m: dict | None = None,
    at=None,
):
    """Apply `changes` (and many-to-many values in `m2m`) to `obj` if nobody wrote it since
    `expected_version`; log before/after. A write that changes nothing is neither logged nor
    versioned. `at` is the time of the change (now unless a workflow acts at a given instant)."""
    with transaction.atomic():
        check_version(obj, expected_version)
        before = snapshot(obj)
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.full_clean()
        after = snapshot(obj)
        for name, values in (m2m or {}).items():
            before[name] = _m2m_names(obj, name)
            getattr(obj, name).set(values)
            after[name] = _m2m_names(obj, name)
        if after == before:
            return obj
        obj.version = models.F("version") + 1
        obj.updated_at = at or timezone.now()
        obj.save()
        obj.refresh_from_db(fields=["version"])
        diff_before = {k: v for k, v in before.items() if after.get(k) != v}
        diff_after = {k: after[k] for k in diff_before}
        record(action, obj, before=diff_before, after=diff_after, reason=reason)
        return obj


def delete(obj, *, reason="", expected_version=None):
    """Delete a record if unchanged since `expected_version`, logging its last values."""
    with transaction.atomic():
        check_version(obj, expected_version)
        before = snapshot(obj)
        path = node_path_of(obj)
        pk, text, model = obj.pk, str(obj), type(obj)
        obj.delete()
        return record(
            AuditAction.DELETE,
            None,
            before=before,
            reason=reason,
            object_repr=text,
            model=model,
            node_path=path,
            object_id=pk,
        )
