"""Web pages of the rules: the list (with Excel export), a new document, a document's page
(the version in force, its history, a revision to start), a version's page (its articles
marked against the version it revises, the draft's editing, linking, adoption and
publication) and the printable text."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.consultation.models import Matter
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.sorting import chosen
from gongzhi.core.web import paginate, perm_required, run_service, wants_export

from .. import exports, pdf, selectors, services
from .. import permissions as perms
from ..choices import DocumentKind, VersionStatus
from ..forms import ArticleForm, DocumentForm, MatterLinkForm, RemoveArticleForm, RevisionForm
from .common import communities, found, require_at

SORTS = {"node": ("node__path", "kind", "id"), "title": ("title", "id"), "kind": ("kind", "id")}


@perm_required(perms.VIEW_RULES)
def document_list(request):
    """The rules documents in my scope, filterable by kind."""
    kind = request.GET.get("kind", "")
    rows = selectors.documents(request.user)
    if kind in DocumentKind.values:
        rows = rows.filter(kind=kind)
    sort = chosen(request.GET, SORTS, "node")
    rows = sort.apply(rows)
    if wants_export(request):
        return exports.export_documents(request.user, rows)
    return render(
        request,
        "civil/document_list.html",
        {
            "page": paginate(request, rows),
            "kind": kind,
            "kinds": DocumentKind.choices,
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.ADD_RULES),
        },
    )


@perm_required(perms.ADD_RULES)
def document_create(request):
    nodes = communities(request.user, perms.ADD_RULES)
    charters = selectors.documents(request.user).filter(kind=DocumentKind.CHARTER, node__in=nodes)
    form = DocumentForm(request.POST or None, nodes=nodes, charters=charters)

    def save(d):
        return services.create_document(
            node=d["node"],
            kind=d["kind"],
            title=d["title"],
            parent=d["parent"],
            articles=services.split_articles(d["articles"]),
            adopted_on=d["adopted_on"],
            basis=d["basis"],
        )

    if request.method == "POST":
        document = run_service(form, save)
        if document is not None:
            messages.success(request, _("已建立“%(t)s”") % {"t": document.title})
            return redirect("civil:document_detail", document.pk)
    return render(request, "civil/form.html", {"form": form, "title": _("新建村规民约或章程")})


def _matters(user, document):
    return (
        Matter.objects.visible_to(user, "consultation.view_matter")
        .filter(node=document.node)
        .order_by("-raised_at", "-id")
    )


@perm_required(perms.VIEW_RULES)
def document_detail(request, pk, revision_form=None):
    document = found(selectors.get_document, request.user, pk)
    may_change = has_perm_at(request.user, perms.CHANGE_RULES, document.node.path)
    versions = list(selectors.versions(request.user).filter(document=document).order_by("-number"))
    current = document.current
    return render(
        request,
        "civil/document_detail.html",
        {
            "document": document,
            "current": current,
            "articles": list(current.articles.all()) if current else [],
            "versions": versions,
            "bylaws": list(selectors.documents(request.user).filter(parent=document)),
            "may_change": may_change,
            "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
            "revision_form": revision_form
            or (RevisionForm(matters=_matters(request.user, document)) if may_change else None),
        },
        status=400 if revision_form is not None else 200,
    )


@require_POST
@perm_required(perms.CHANGE_RULES)
def revision_start(request, pk):
    document = found(selectors.get_document, request.user, pk)
    require_at(request.user, perms.CHANGE_RULES, document.node.path)
    form = RevisionForm(request.POST, matters=_matters(request.user, document))
    version = run_service(form, lambda d: services.start_revision(document, summary=d["summary"], matter=d["matter"]))
    if version is None:
        return document_detail(request, pk, revision_form=form)
    messages.success(request, _("已起草第 %(n)s 版修订草案") % {"n": version.number})
    return redirect("civil:version_detail", version.pk)


@perm_required(perms.VIEW_RULES)
def document_print(request, pk):
    """The version in force as a PDF to print."""
    document = found(selectors.get_document, request.user, pk)
    if document.current_id is None:
        messages.error(request, _("该文件尚无现行版本"))
        return redirect("civil:document_detail", pk)
    return pdf.version_response(selectors.get_version(request.user, document.current_id))


def _version_page(request, version, status=200, **forms):
    may_change = has_perm_at(request.user, perms.CHANGE_RULES, version.document.node.path)
    draft = version.status == VersionStatus.DRAFT
    context = {
        "version": version,
        "document": version.document,
        "rows": services.changes(version),
        "may_change": may_change,
        "draft": draft,
        "refusal": services.adoption_refusal(version) if may_change and draft else "",
    }
    if may_change and draft:
        context.update(
            article_form=forms.get("article_form") or ArticleForm(),
            remove_form=forms.get("remove_form") or RemoveArticleForm(),
            link_form=forms.get("link_form")
            or MatterLinkForm(matters=_matters(request.user, version.document), initial={"matter": version.matter_id}),
        )
    return render(request, "civil/version_detail.html", context, status=status)


@perm_required(perms.VIEW_RULES)
def version_detail(request, pk):
    version = found(selectors.get_version, request.user, pk)
    if wants_export(request):
        return exports.export_articles(request.user, version, services.changes(version))
    return _version_page(request, version)


@perm_required(perms.VIEW_RULES)
def version_print(request, pk):
    return pdf.version_response(found(selectors.get_version, request.user, pk))


def _changing(request, pk):
    version = found(selectors.get_version, request.user, pk)
    require_at(request.user, perms.CHANGE_RULES, version.document.node.path)
    return version


@require_POST
@perm_required(perms.CHANGE_RULES)
def article_set(request, pk):
    version = _changing(request, pk)
    form = ArticleForm(request.POST)
    done = run_service(
        form,
        lambda d: services.set_article(version, number=d["number"], title=d["title"], text=d["text"]),
    )
    if done is None:
        return _version_page(request, version, status=400, article_form=form)
    messages.success(request, _("已保存第 %(n)s 条") % {"n": done.number})
    return redirect("civil:version_detail", version.pk)


@require_POST
@perm_required(perms.CHANGE_RULES)
def article_remove(request, pk):
    version = _changing(request, pk)
    form = RemoveArticleForm(request.POST)
    if run_service(form, lambda d: services.remove_article(version, d["number"]) or True) is None:
        return _version_page(request, version, status=400, remove_form=form)
    messages.success(request, _("已删除第 %(n)s 条") % {"n": form.cleaned_data["number"]})
    return redirect("civil:version_detail", version.pk)


@require_POST
@perm_required(perms.CHANGE_RULES)
def version_link(request, pk):
    version = _changing(request, pk)
    form = MatterLinkForm(request.POST, matters=_matters(request.user, version.document))
    if run_service(form, lambda d: services.link_matter(version, d["matter"])) is None:
        return _version_page(request, version, status=400, link_form=form)
    messages.success(request, _("已关联议题"))
    return redirect("civil:version_detail", version.pk)


def _step(request, pk, call, done_message):
    version = _changing(request, pk)
    try:
        call(version)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message)
    return redirect("civil:version_detail", version.pk)


@require_POST
@perm_required(perms.CHANGE_RULES)
def version_adopt(request, pk):
    """Adopt the draft on its matter's decision (refused, with why, until there is one)."""
    return _step(request, pk, services.adopt_version, _("修订已通过，成为现行版本"))


@require_POST
@perm_required(perms.CHANGE_RULES)
def version_publish(request, pk):
    """Publish the adopted version on the community's board."""
    return _step(request, pk, services.publish_version, _("已在公开栏公布"))
