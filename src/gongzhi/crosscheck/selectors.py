"""Reads of delivered findings, every one scoped to the user (deny by default; out of scope is
not found), and how a finding's resident is shown: name in clear unless she carries a
sensitive tag and the reader lacks registry.view_sensitive at her grid (then 受限), ID number
always masked. A name of a sensitive-group member shown in clear is logged as a view."""

from django.utils.translation import gettext as _

from gongzhi.core.masking import mask_id
from gongzhi.core.scoping import paths_for
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.disclosure import log_sensitive_reads

from . import permissions as perms
from .checks import CHECKS
from .choices import FindingStatus
from .models import Finding
from .report import HEADERS

STATES = ("open", "new", "checked", "corrected", "no_problem", "all")
COLUMNS = {c.key: c.columns for c in CHECKS}


def findings(user):
    return Finding.objects.visible_to(user, perms.VIEW).select_related("node", "town", "resident", "handled_by")


def finding(user, pk):
    return findings(user).filter(pk=pk).first()


def filter_findings(qs, state: str = "open", kind: str = ""):
    """open (待核实 or 已核实) / one status / all; and one check when `kind` names one."""
    if state == "open":
        qs = qs.filter(status__in=(FindingStatus.NEW, FindingStatus.CHECKED))
    elif state in FindingStatus.values:
        qs = qs.filter(status=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def details_text(f) -> str:
    """The check's other columns as one line: 同时登记在住的街道/乡镇：320582101；…"""
    return "；".join(f"{HEADERS[c]}：{f.details[c]}" for c in COLUMNS.get(f.kind, ()) if c in f.details)


class People:
    """Decides, per finding, how its resident is shown, with the user's grants read once (no
    query per row); `log()` writes the sensitive reads of what was shown."""

    def __init__(self, user):
        self.sensitive = paths_for(user, registry_perms.VIEW_SENSITIVE)
        self.shown = []

    def _may_see_sensitive(self, path) -> bool:
        return self.sensitive is None or any((path or "").startswith(p) for p in self.sensitive)

    def row(self, f) -> dict:
        """{"resident", "name", "id_number", "grid", "restricted"} of a finding."""
        r = f.resident
        if r is None:
            return {"resident": None, "name": _("本镇无此人"), "id_number": "", "grid": "", "restricted": False}
        if r.has_sensitive:
            if not self._may_see_sensitive(f.node.path):
                return {"resident": r.pk, "name": _("（受限）"), "id_number": "", "grid": "", "restricted": True}
            self.shown.append({"id": r.pk, "name": r.name, "grid__path": f.node.path, "has_sensitive": True})
        return {
            "resident": r.pk,
            "name": r.name,
            "id_number": mask_id(r.id_number),
            "grid": f.node.name,
            "restricted": False,
        }

    def label(self, rows):
        """Set `who` on each finding (for templates) and log the sensitive reads."""
        for f in rows:
            f.who = self.row(f)
        self.log()
        return rows

    def log(self):
        if self.shown:
            log_sensitive_reads(self.shown)
            self.shown = []
