"""What every staff page of people's mediation shares: the reader gate (a role that reads
disputes somewhere, on the territory or as a mediator), the scoped fetch (out of scope → 404)
and the audit entry of an export. Nothing under /mediation/ is public (人民调解法 Art. 15)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.core import services as core
from gongzhi.core.scoping import has_perm_anywhere

from .. import permissions as p
from .. import selectors
from ..models import Dispute


def reader_required(view):
    """Login, and a role that reads disputes somewhere (territory or mediator)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not (has_perm_anywhere(request.user, p.VIEW) or has_perm_anywhere(request.user, p.MEDIATE)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def log_export(what, count, user, perm):
    """The audit entry of an Excel export of disputes (rows counted, identifiers masked)."""
    core.record_export(user, perm, Dispute, what, count, masked=True)


def visible_or_404(request, pk) -> Dispute:
    """The dispute if the user may read it, else 404 (existence does not leak)."""
    d = selectors.visible_to(request.user).select_related("node", "committee").filter(pk=pk).first()
    if d is None:
        raise Http404
    return d
