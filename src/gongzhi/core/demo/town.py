"""Builds a deterministic demo town from the demo steps the installed apps declare in their
manifests (core/manifest.py): the territory, organisations and demo users, tags, buildings,
units, households and residents, then each workflow's data. Everything goes through the same
services as real data, so it is audited too."""

import random

from django.db import transaction

from gongzhi.core import audit, manifest


class DemoTown:
    """Deterministic for a given seed: the same seed gives the same town.

    The steps share this object: one random stream (`rng`), the residents wanted (`target`),
    the nodes made so far (`nodes`: "district", "town", "c001"…, "g001001"…, "grids"), the
    demo account rows for the command to print (`users`) and whatever one app's steps pass
    between themselves (`shared`, keyed by app label)."""

    def __init__(self, residents: int, seed: int, grids_per_community: int = 8, out=print):
        self.rng = random.Random(seed)
        self.seed = seed
        self.target = residents
        self.grids_per_community = grids_per_community
        self.out = out
        self.nodes = {}
        self.users = []
        self.shared = {}

    def build(self, skip=()):
        """Run every step but those named in `skip`, in dependency order; returns the demo
        account rows (role, username, password, name, scope)."""
        steps = [s for s in manifest.demo_steps() if s.name not in skip]
        with audit.acting(source="system", new_action=True):
            for atomic, group in _runs(steps):
                if atomic:  # back-to-back atomic steps make one all-or-nothing transaction
                    with transaction.atomic():
                        for step in group:
                            self._run(step)
                else:
                    for step in group:
                        self._run(step)
        return self.users

    def _run(self, step):
        rows = step.build(self)
        if rows:
            self.users += rows


def _runs(steps):
    """[(atomic, [steps…])]: consecutive steps grouped by whether they run in a transaction."""
    runs = []
    for step in steps:
        if runs and runs[-1][0] == step.atomic:
            runs[-1][1].append(step)
        else:
            runs.append((step.atomic, [step]))
    return runs
