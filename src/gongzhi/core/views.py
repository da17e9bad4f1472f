"""Audit log pages: the scoped list of audit entries with filters."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import scope_q

from . import permissions as perms
from .choices import AuditAction, AuditSource
from .history import Reader
from .models import AuditEntry
from .web import paginate, perm_required, wants_export

PERM = perms.VIEW_AUDITENTRY


class AuditFilterForm(forms.Form):
    """Filters of the audit list; all optional."""

    action = forms.ChoiceField(label=_("动作"), required=False, choices=[("", _("全部"))] + AuditAction.choices)
    source = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部"))] + AuditSource.choices)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("记录或操作人"), required=False)


def audit_entries(user):
    """Audit entries on the territory paths where `user` may read the log."""
    return AuditEntry.objects.filter(scope_q(user, PERM, "node_path")).select_related("content_type")


def _filtered(qs, form):
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data["action"]:
        qs = qs.filter(action=data["action"])
    if data["source"]:
        qs = qs.filter(source=data["source"])
    if data["since"]:
        qs = qs.filter(at__date__gte=data["since"])
    if data["until"]:
        qs = qs.filter(at__date__lte=data["until"])
    if data["q"]:
        from django.db.models import Q

        qs = qs.filter(Q(object_repr__icontains=data["q"]) | Q(actor_name__icontains=data["q"]))
    return qs


@perm_required(PERM)
def audit_list(request):
    """The audit log of the user's territory, newest first, filterable by action, source, date."""
    form = AuditFilterForm(request.GET or None, label_suffix="")
    qs = _filtered(audit_entries(request.user), form)
    if wants_export(request):
        from .audit_export import export_audit

        back = request.GET.copy()
        back.pop("export", None)
        return export_audit(request, qs, PERM, f"{request.path}?{back.urlencode()}")
    page = paginate(request, qs, per_page=50)
    reader = Reader(request.user)
    reader.load(page.object_list)
    rows = []
    for e in page.object_list:
        e.display_repr = reader.object_label(e)
        # A new record lists all its values; the list shows the first few (its history page all).
        # Entries about people the reader may not see show who acted and when, not the values.
        rows.append((e, [] if reader.restricted(e) else reader.changes(e, limit=4)))
    return render(request, "core/audit_list.html", {"form": form, "page": page, "rows": rows})
