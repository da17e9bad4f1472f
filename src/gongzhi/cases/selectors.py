"""Reads of the case engine that do not depend on the case type: a case's journal (all of it
for staff who may see the case, the public part for the citizen) and its return visits."""

from .models import JournalEntry, ReturnVisit


def journal(case, *, public_only: bool = False):
    """The case's journal in order; `public_only` keeps what the citizen may read."""
    qs = JournalEntry.objects.filter(case_id=case.pk).select_related("actor")
    return qs.filter(public=True) if public_only else qs


def visits(case):
    return ReturnVisit.objects.filter(case_id=case.pk).select_related("visitor")
