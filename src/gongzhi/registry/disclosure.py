"""What showing a person writes, for every channel alike (web list and detail, API list and
detail, Excel export, admin): one place that logs sensitive reads and unmaskings, and the rule
for an explicit request to see full numbers.

- A record carrying a sensitive tag that is shown to anyone (only readers holding
  registry.view_sensitive on its grid get it at all) writes one "查看敏感人员记录" entry per
  record and response (PIPL Art. 28, 51).
- Full ID and phone numbers are never the default: they are shown only on an explicit request
  (the web button, `?unmask=1` on the API, the export option), only where the reader holds
  registry.unmask_pii, and only with a stated purpose (用途) that the audit entry keeps
  (PIPL Art. 6, minimum necessary).
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

UNMASK_PERM = "registry.unmask_pii"
SENSITIVE_VIEW = "查看敏感人员记录"
PURPOSE_MAX = 100  # characters: a sentence saying why, not a document
FIELD_LABELS = {"id_number": "身份证号", "phone": "电话"}


def clean_purpose(text) -> str:
    """The stated purpose of an unmasking, trimmed; refused when empty or longer than PURPOSE_MAX."""
    purpose = " ".join(str(text or "").split())
    if not purpose:
        raise ValidationError({"purpose": _("查看完整号码须填写用途")})
    if len(purpose) > PURPOSE_MAX:
        raise ValidationError({"purpose": _("用途不超过 %(n)s 字") % {"n": PURPOSE_MAX}})
    return purpose


def _key(record):
    """(pk, name, grid path, carries a sensitive tag) of a model instance or a values() row."""
    if isinstance(record, dict):
        return record["id"], record["name"], record["grid__path"], record["has_sensitive"]
    return record.pk, record.name, record.grid.path, record.has_sensitive


def log_sensitive_reads(records):
    """Log a view of each shown record that carries a sensitive tag (model instances, or rows
    with id, name, grid__path and has_sensitive). Returns how many were logged."""
    from .models import Resident

    shown = [k for k in map(_key, records) if k[3]]
    # One INSERT for a page, not one per row (the lists' query-count guards).
    core.record_many(
        core.build_entry(AuditAction.VIEW, None, model=Resident, object_id=pk, object_repr=name, node_path=path,
                         reason=SENSITIVE_VIEW)
        for pk, name, path, _flag in shown
    )
    return len(shown)


def _unmask_reason(fields, purpose) -> str:
    what = "查看完整" + "、".join(FIELD_LABELS.get(f, f) for f in fields)
    return f"{what}；用途：{purpose}" if purpose else what


def log_unmask(obj, fields=("id_number", "phone"), purpose=""):
    """Log that full numbers of one record were shown, with the stated purpose."""
    core.record(AuditAction.UNMASK, obj, reason=_unmask_reason(fields, purpose),
                after={"fields": list(fields), "purpose": purpose})


def log_unmasked_rows(model, ids, node_path, purpose, what, fields=("id_number", "phone")):
    """One entry for a list or export that showed full numbers of `ids`, with the purpose."""
    if not ids:
        return None
    return core.record(AuditAction.UNMASK, None, model=model, object_repr=what, node_path=node_path,
                       after={"ids": list(ids), "fields": list(fields), "purpose": purpose},
                       reason=_unmask_reason(fields, purpose))
