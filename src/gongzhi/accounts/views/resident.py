"""The resident home page, made for a phone: what I can take part in now in my community
(accounts/resident_home.py), or, for an account not linked yet, how to link it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import resident_home as reads


@login_required
def resident_home(request):
    user = request.user
    if not user.resident_id:
        return render(request, "accounts/resident_home.html", {"home": None})
    return render(request, "accounts/resident_home.html", {"home": reads.build(user)})
