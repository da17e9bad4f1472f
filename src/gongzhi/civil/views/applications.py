"""Web pages of the application log: the list (searchable by article, with its Excel export;
residents' names masked), recording an entry with the resident picked from the registry, and
an entry's page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.core.web import paginate, perm_required, run_service, wants_export
from gongzhi.registry.picker import ResidentPicker

from .. import exports, selectors, services
from .. import permissions as perms
from ..forms import ApplicationForm
from .common import found

# Whoever records an application picks the resident from the registry.
PICKER = ResidentPicker(lambda user: has_perm_anywhere(user, perms.ADD_APPLICATION))


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 4 else None


@perm_required(perms.VIEW_APPLICATION)
def application_list(request):
    docs = selectors.documents(request.user)
    doc_id = _int(request.GET.get("document"))
    document = docs.filter(pk=doc_id).first() if doc_id else None
    article = _int(request.GET.get("article"))
    q = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.applications(request.user, document=document, article=article, q=q)
    if wants_export(request):
        return exports.export_applications(request.user, rows)
    return render(
        request,
        "civil/application_list.html",
        {
            "page": paginate(request, rows),
            "documents": docs,
            "document": document,
            "article": article or "",
            "q": q,
            "may_add": has_perm_anywhere(request.user, perms.ADD_APPLICATION),
            "may_export": has_perm_anywhere(request.user, perms.EXPORT_APPLICATION),
        },
    )


def _documents_for_recording(user):
    """Documents in force where the user may record their application."""
    return selectors.documents(user, perms.ADD_APPLICATION).filter(current__isnull=False).order_by("node__path", "kind")


@perm_required(perms.ADD_APPLICATION)
def application_create(request):
    documents = _documents_for_recording(request.user)
    form = ApplicationForm(request.POST or None, documents=documents, initial={"occurred_on": timezone.localdate()})
    picked = None
    if request.method == "POST":
        picked = PICKER.picked(request)

        def save(d):
            return services.record_application(
                document=d["document"],
                article_number=d["article_number"],
                occurred_on=d["occurred_on"],
                resident=picked,
                facts=d["facts"],
                handling=d["handling"],
            )

        entry = run_service(form, save)
        if entry is not None:
            messages.success(request, _("已记录执行情况"))
            return redirect("civil:application_detail", entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "civil/application_form.html", {"form": form, "picked": picked}, status=status)


@perm_required(perms.VIEW_APPLICATION)
def application_detail(request, pk):
    """An entry; the resident's full name only for who may read them in the registry."""
    from gongzhi.registry import selectors as registry

    entry = found(selectors.get_application, request.user, pk)
    readable = registry.residents(request.user).filter(pk=entry.resident_id).exists()
    return render(request, "civil/application_detail.html", {"entry": entry, "readable": readable})
