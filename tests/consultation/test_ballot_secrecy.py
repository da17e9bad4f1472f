"""Secret ballots are secret from everyone, the clerk included: no query path — web pages,
exports, the audit log, the back office, the printable documents, the selectors — returns how
any one person voted on a secret motion. The storage cannot link a choice to a voter
(models/meetings.py); these tests check that nothing reassembles the link, and that the clerk
cannot record a secret ballot for someone (paper ballots are entered as totals only)."""

import datetime as dt
import io
import json
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.consultation import selectors, services
from gongzhi.consultation.models import BallotCast, BallotChoice, TallySheet
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import body_with_members, open_meeting_with

CHOICES = ("赞成", "反对", "弃权", "for", "against", "abstain")


@pytest.fixture
def secret_vote(town, settings, tmp_path):
    """A council of 30, 24 present; a secret motion on which three people voted differently (and
    17 more), closed and decided; then a secret motion counted from paper ballots."""
    settings.MEDIA_ROOT = tmp_path
    node = town["c1"]
    body, people = body_with_members(node, 30, name="南庄社区议事会")
    meeting = open_meeting_with(body, people, 24, date=dt.date(2026, 6, 29))
    motion = services.open_motion(services.propose_motion(meeting, text="罢免提案", secret=True))
    voters = {people[0]: "for", people[1]: "against", people[2]: "abstain"}
    for person, choice in voters.items():
        services.cast_ballot(motion, person, choice)
    for p in people[3:20]:
        services.cast_ballot(motion, p, "for")
    services.close_motion(motion)
    decision = services.record_decision(motion)
    services.publish_decision(decision)
    paper = services.open_motion(services.propose_motion(meeting, text="纸质投票事项", secret=True))
    services.record_tally(
        paper,
        method="paper",
        ayes=14,
        nays=6,
        abstentions=2,
        scan=SimpleUploadedFile("计票单.jpg", b"\xff\xd8 tally", content_type="image/jpeg"),
    )
    return {"meeting": meeting, "motion": motion, "paper": paper, "voters": voters, "decision": decision, "node": node}


def linked(text: str, names) -> list[str]:
    """Places where a voter's name is followed closely by a choice (in one line or cell)."""
    found = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            window = text[m.end() : m.end() + 12]
            window = window.split("、")[0].split("\n")[0]
            if any(c in window for c in CHOICES):
                found.append(f"{name}{window}")
    return found


def cells(response) -> str:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        " | ".join(str(c) for c in row if c is not None)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
    )


def test_storage_cannot_link_a_choice_to_a_voter(secret_vote):
    assert {f.name for f in BallotChoice._meta.get_fields()} == {"id", "motion", "choice"}
    for model in apps.get_models():  # nothing points at a ballot's choice
        for f in model._meta.get_fields():
            assert not (f.is_relation and f.related_model is BallotChoice and f.concrete), model
    assert not {f.name for f in TallySheet._meta.get_fields()} & {"attendance", "resident", "voter", "casts"}
    secret_casts = BallotCast.objects.filter(motion__secret=True)
    assert secret_casts.count() == 20 and set(secret_casts.values_list("choice", flat=True)) == {""}
    for entry in AuditEntry.objects.filter(content_type__model="ballotcast"):
        assert entry.after["choice"] == "（无记名）"
    # Paper ballots left no ballot rows at all: totals only.
    paper = secret_vote["paper"]
    assert (
        not BallotCast.objects.filter(motion=paper).exists() and not BallotChoice.objects.filter(motion=paper).exists()
    )


def test_selectors_give_who_never_how(secret_vote, town):
    supervisor = factories.make_user("supervisor", town["t"], username="jiandu")
    roll = list(selectors.voters(supervisor, secret_vote["motion"]))
    assert len(roll) == 20 and {c.choice for c in roll} == {""}


@pytest.mark.parametrize("role", ["community", "supervisor", "admin"])
def test_no_page_export_or_document_links_a_name_to_a_choice(client, secret_vote, town, role):
    node_key = "c1" if role == "community" else ("t" if role == "supervisor" else "d")
    user = factories.make_user(role, town[node_key], username=f"u-{role}", is_staff=role == "admin")
    client.force_login(user)
    meeting, motion, node = secret_vote["meeting"], secret_vote["motion"], secret_vote["node"]
    names = [p.name for p in secret_vote["voters"]]
    texts = {}
    for name, url in {
        "meeting page": reverse("consultation:meeting_detail", args=[meeting.pk]),
        "meeting list": reverse("consultation:meeting_list"),
        "decisions": reverse("consultation:decision_list"),
        "board": reverse("disclosure:board", args=[node.code]),
        "audit log": reverse("core:audit_list"),
    }.items():
        response = client.get(url)
        if response.status_code == 200:
            texts[name] = response.content.decode()
    assert "meeting page" in texts
    for name, url in {
        "sign-in export": reverse("consultation:meeting_detail", args=[meeting.pk]),
        "decision export": reverse("consultation:decision_list"),
        "audit export": reverse("core:audit_list"),
    }.items():
        response = client.get(url, {"export": "xlsx"})
        if response.status_code == 200 and response["Content-Type"].startswith("application/vnd"):
            texts[name] = cells(response)
    if role == "admin":
        for name in ("consultation_motion", "consultation_meeting", "consultation_decision"):
            texts[name] = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        texts["motion admin"] = client.get(
            reverse("admin:consultation_motion_change", args=[motion.pk])
        ).content.decode()
        # The ballot tables have no admin pages at all.
        for model in ("ballotcast", "ballotchoice"):
            assert client.get(f"/admin/consultation/{model}/").status_code == 404
    if shutil.which("pdftotext"):
        for name, url in {
            "minutes": reverse("consultation:minutes_pdf", args=[meeting.pk]),
            "resolution": reverse("consultation:resolution_pdf", args=[secret_vote["decision"].pk]),
        }.items():
            response = client.get(url)
            if response.status_code == 200:
                out = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
                texts[name] = out.stdout.decode()
    for name, text in texts.items():
        assert linked(text, names) == [], name
    # The totals are public once the vote is closed, and the voters' names are on the roll.
    page = texts["meeting page"]
    assert "赞成 <b>18</b>" in page and "反对 <b>1</b>" in page and "弃权 <b>1</b>" in page


def test_the_clerk_cannot_record_a_secret_ballot(client, town, council):
    body, people = council
    meeting = open_meeting_with(body, people, 24, date=dt.date(2026, 6, 29))
    motion = services.open_motion(services.propose_motion(meeting, text="无记名事项", secret=True))
    clerk = factories.make_user("community", town["c1"], username="clerk")
    client.force_login(clerk)
    page = client.get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    assert f'name="m{motion.pk}-attendance"' not in page  # no per-voter ballot form for the clerk
    assert f"tally-{motion.pk}" in page  # but the paper ballots' totals can be entered
    attendance = meeting.attendance.get(resident=people[3])
    response = client.post(
        reverse("consultation:vote", args=[motion.pk]),
        {f"m{motion.pk}-attendance": attendance.pk, f"m{motion.pk}-choice": "against"},
        follow=True,
    )
    assert "工作人员不能代录个人选票" in response.content.decode()
    assert not BallotCast.objects.filter(motion=motion).exists()
    assert not BallotChoice.objects.filter(motion=motion).exists()


@pytest.mark.parametrize("role", ["community", "supervisor"])
def test_no_api_answer_links_a_name_to_a_choice(secret_vote, town, role):
    """The JSON API reads the same selectors: the meeting, its roll, the motions and the
    decisions give who voted and the totals, never one person's choice."""
    from tests.api_client import ApiClient

    user = factories.make_user(role, town["c1" if role == "community" else "t"], username=f"api-{role}")
    api = ApiClient(user)
    meeting, motion = secret_vote["meeting"], secret_vote["motion"]
    names = [p.name for p in secret_vote["voters"]]
    paths = [
        f"/consultation/meetings/{meeting.pk}",
        f"/consultation/meetings/{meeting.pk}/attendance",
        "/consultation/motions",
        f"/consultation/motions/{motion.pk}",
        f"/consultation/motions/{secret_vote['paper'].pk}",
        "/consultation/decisions",
        f"/consultation/decisions/{secret_vote['decision'].pk}",
    ]
    for path in paths:
        response = api.get(path)
        assert response.status_code == 200, path
        text = json.dumps(response.json(), ensure_ascii=False)
        assert linked(text, names) == [], path
        for row in response.json().get("results", []):
            assert row.get("choice") is None, path
