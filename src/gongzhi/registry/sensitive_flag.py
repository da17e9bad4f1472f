"""`Resident.has_sensitive` kept by database triggers (docs/decisions/0008-sensitive-flag-triggers.md).

The flag gates who may see a person (`ResidentQuerySet.visible_to`), so it must follow its
inputs whatever changed them: a tag added to or removed from a resident (web, API, admin,
import, raw SQL) or a tag made or unmade sensitive. Triggers on the tag link table and on
`registry_tag.sensitive` re-derive it in the same statement's transaction, on SQLite and
PostgreSQL alike. SQLite drops a table's triggers when a migration rebuilds the table, so
`ensure_sensitive_triggers` runs after every `migrate` (like the digit index in search.py)
and, when a trigger had to be (re)created, re-derives every flag once; a trigger or function
whose text changed (an older version) is replaced in place (registry/triggers.py).
"""

from .triggers import Trigger, TriggerSet, install

LINKS, TAGS, RESIDENTS = "registry_resident_tags", "registry_tag", "registry_resident"

# The flag of the resident whose id is `{rid}`, as an SQL expression.
_DERIVED = (
    f"EXISTS (SELECT 1 FROM {LINKS} rt INNER JOIN {TAGS} t ON t.id = rt.tag_id "
    "WHERE rt.resident_id = {rid} AND t.sensitive)"
)
# Each UPDATE writes only rows whose flag actually changes (`has_sensitive <> derived`; both
# sides are never NULL). Writing an unchanged row is not free: on PostgreSQL it is a new row
# version, and where the page has no room (a table filled by COPY) one entry in each of the
# resident table's twenty indexes — the import, which writes the right flag with the row, paid
# that for every tag link it copied (docs/decisions/0030-import-pg-heads-triggers.md).
_SET_ONE = (
    f"UPDATE {RESIDENTS} SET has_sensitive = "
    + _DERIVED.format(rid="{rid}")
    + " WHERE id = {rid} AND has_sensitive <> "
    + _DERIVED.format(rid="{rid}")
)
_SET_CARRIERS = (
    f"UPDATE {RESIDENTS} SET has_sensitive = "
    + _DERIVED.format(rid=f"{RESIDENTS}.id")
    + f" WHERE id IN (SELECT resident_id FROM {LINKS} WHERE tag_id = NEW.id) AND has_sensitive <> "
    + _DERIVED.format(rid=f"{RESIDENTS}.id")
)
REDERIVE_ALL = (
    f"UPDATE {RESIDENTS} SET has_sensitive = "
    + _DERIVED.format(rid=f"{RESIDENTS}.id")
    + " WHERE has_sensitive <> "
    + _DERIVED.format(rid=f"{RESIDENTS}.id")
)

_SQLITE = (
    Trigger(
        "registry_sensitive_link_ai",
        LINKS,
        f"AFTER INSERT ON {LINKS} BEGIN " + _SET_ONE.format(rid="NEW.resident_id") + "; END",
    ),
    Trigger(
        "registry_sensitive_link_ad",
        LINKS,
        f"AFTER DELETE ON {LINKS} BEGIN " + _SET_ONE.format(rid="OLD.resident_id") + "; END",
    ),
    Trigger(
        "registry_sensitive_link_au",
        LINKS,
        f"AFTER UPDATE ON {LINKS} BEGIN "
        + _SET_ONE.format(rid="OLD.resident_id")
        + "; "
        + _SET_ONE.format(rid="NEW.resident_id")
        + "; END",
    ),
    Trigger(
        "registry_sensitive_tag_au",
        TAGS,
        f"AFTER UPDATE OF sensitive ON {TAGS} WHEN OLD.sensitive IS NOT NEW.sensitive BEGIN " + _SET_CARRIERS + "; END",
    ),
)

_PG_FUNCTIONS = {
    "registry_sensitive_link_fn": (
        "BEGIN "
        "IF TG_OP IN ('DELETE', 'UPDATE') THEN " + _SET_ONE.format(rid="OLD.resident_id") + "; END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN " + _SET_ONE.format(rid="NEW.resident_id") + "; END IF; "
        "RETURN NULL; END;"
    ),
    "registry_sensitive_tag_fn": (
        "BEGIN IF OLD.sensitive IS DISTINCT FROM NEW.sensitive THEN " + _SET_CARRIERS + "; END IF; RETURN NULL; END;"
    ),
}
# PostgreSQL prints the events of a trigger as INSERT, DELETE, UPDATE (triggers.py compares).
_PG_TRIGGERS = (
    Trigger(
        "registry_sensitive_link_tr",
        LINKS,
        f"AFTER INSERT OR DELETE OR UPDATE ON {LINKS} FOR EACH ROW EXECUTE FUNCTION registry_sensitive_link_fn()",
    ),
    Trigger(
        "registry_sensitive_tag_tr",
        TAGS,
        f"AFTER UPDATE OF sensitive ON {TAGS} FOR EACH ROW EXECUTE FUNCTION registry_sensitive_tag_fn()",
    ),
)
TRIGGERS = TriggerSet(
    tables=frozenset({LINKS, TAGS, RESIDENTS}),
    sqlite=_SQLITE,
    postgresql=_PG_TRIGGERS,
    functions=_PG_FUNCTIONS,
)


def _rederive_all(cursor) -> None:
    cursor.execute(REDERIVE_ALL)


def ensure_sensitive_triggers(using="default", **kwargs):
    """Create the triggers keeping `has_sensitive` where missing and then re-derive every flag
    (a row written while a trigger was missing would otherwise stay wrong). A trigger whose body
    differs from the one above (an older version) is replaced in place, in the same transaction,
    so there is no gap and nothing to re-derive. Idempotent; connected to post_migrate. On
    another backend nothing is installed: the services still re-derive the flag
    (services._sync_sensitive). Returns the names of the triggers created."""
    return install(TRIGGERS, using, repair=_rederive_all).created
