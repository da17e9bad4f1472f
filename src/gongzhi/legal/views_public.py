"""The page without login: each community's legal adviser engaged today — name, firm, the
firm's office phone and the duty schedule. The adviser's own mobile is never public."""

from django.shortcuts import render

from . import selectors


def advisers(request):
    return render(request, "legal/public_advisers.html", {"advisers": selectors.public_advisers()})
