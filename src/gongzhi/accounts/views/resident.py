"""The resident home page, made for a phone: what I can take part in now in my community
(accounts/resident_home.py), or, for an account not linked yet, how to link it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gongzhi.core import workbench

from .. import resident_home as reads


@login_required
def resident_home(request):
    user = request.user
    # The workbench figures that apply to a resident (their unread notices), when not zero.
    figures = [f for f in workbench.figures(request) if f["count"]]
    if not user.resident_id:
        return render(request, "accounts/resident_home.html", {"home": None, "figures": figures})
    return render(request, "accounts/resident_home.html", {"home": reads.build(user), "figures": figures})
