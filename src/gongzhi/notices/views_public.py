"""The public notices of each community (/public/notices/, no login): title, text, validity
and publishing date of the active public notices addressed to everyone — no names, no
author, no read counts."""

from django.http import Http404
from django.shortcuts import render

from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import selectors


def index(request):
    """Every community and village, to pick one."""
    nodes = Node.objects.filter(level=Level.COMMUNITY).select_related("parent").order_by("parent__code", "code")
    towns: dict = {}
    for node in nodes:
        towns.setdefault(node.parent, []).append(node)
    return render(request, "notices/public_index.html", {"towns": list(towns.items())})


def community(request, code):
    node = Node.objects.filter(code=code, level=Level.COMMUNITY).first()
    if node is None:
        raise Http404
    rows = list(selectors.public_for(node)[:50])
    return render(request, "notices/public_community.html", {"node": node, "rows": rows})
