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
from gongzhi.core.masking import mask_id, mask_phone

from . import permissions as perms

UNMASK_PERM = perms.UNMASK_PII
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


def _sensitive_keys(records):
    """(pk, name, grid path) of each record carrying a sensitive tag: model instances or
    values() rows with id, name, grid__path and has_sensitive."""
    for r in records:
        if isinstance(r, dict):
            if r["has_sensitive"]:
                yield r["id"], r["name"], r["grid__path"]
        elif r.has_sensitive:
            yield r.pk, r.name, r.grid.path


def log_sensitive_reads(records):
    """Log a view of each shown record that carries a sensitive tag (model instances, or rows
    with id, name, grid__path and has_sensitive). Returns how many were logged."""
    from .models import Resident

    shown = list(_sensitive_keys(records))
    # One INSERT for a page, not one per row (the lists' query-count guards).
    core.record_many(
        core.build_entry(
            AuditAction.VIEW,
            None,
            model=Resident,
            object_id=pk,
            object_repr=name,
            node_path=path,
            reason=SENSITIVE_VIEW,
        )
        for pk, name, path in shown
    )
    return len(shown)


def _unmask_reason(fields, purpose) -> str:
    what = "查看完整" + "、".join(FIELD_LABELS.get(f, f) for f in fields)
    return f"{what}；用途：{purpose}" if purpose else what


def log_unmask(obj, fields=("id_number", "phone"), purpose=""):
    """Log that full numbers of one record were shown, with the stated purpose."""
    core.record(
        AuditAction.UNMASK, obj, reason=_unmask_reason(fields, purpose), after={"purpose": purpose} if purpose else None
    )


def log_unmasked_rows(model, ids, node_path, purpose, what, fields=("id_number", "phone")):
    """One entry for a list or export that showed full numbers of `ids`, with the purpose."""
    if not ids:
        return None
    return core.record(
        AuditAction.UNMASK,
        None,
        model=model,
        object_repr=what,
        node_path=node_path,
        after={"ids": list(ids), "purpose": purpose},
        reason=_unmask_reason(fields, purpose),
    )


class MaskedNumbersForm:
    """Mixin for the forms that edit a resident (web and admin): the ID and phone fields start
    with the masked numbers, so opening an edit form reveals nothing; a masked value sent back
    unchanged keeps the stored number, and typing a whole new number corrects it."""

    MASKS = {"id_number": mask_id, "phone": mask_phone}

    def mask_numbers(self):
        """Call at the end of __init__."""
        stored = self._stored()
        if stored is None:
            return
        for name, mask in self.MASKS.items():
            if name in self.fields and getattr(stored, name):
                self.initial[name] = mask(getattr(stored, name))

    def _stored(self):
        instance = getattr(self, "instance", None)
        return instance if instance is not None and instance.pk else None

    def _kept(self, name):
        value = self.cleaned_data.get(name)
        stored = self._stored()
        current = getattr(stored, name) if stored is not None else ""
        return current if current and value == self.MASKS[name](current) else value

    def clean_id_number(self):
        return self._kept("id_number")

    def clean_phone(self):
        return self._kept("phone")
