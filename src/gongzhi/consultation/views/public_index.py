"""The public pages' front door (/public/, no login): every community's and village's
disclosure board (村务公开/居务公开) in the town(s) this instance serves, with how many
entries each has and when it last published, and links to filing a request and tracking one.
Disclosure is public by law (村委法 Art. 30), so nothing here is scoped."""

from django.db.models import Count, Max
from django.shortcuts import render

from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node


def public_index(request):
    boards = (
        Node.objects.filter(level=Level.COMMUNITY)
        .select_related("parent")
        .annotate(entries=Count("disclosures"), latest=Max("disclosures__published_at"))
        .order_by("parent__code", "code")
    )
    towns: dict = {}
    for node in boards:
        towns.setdefault(node.parent, []).append(node)
    return render(request, "consultation/public_index.html", {"towns": list(towns.items())})
