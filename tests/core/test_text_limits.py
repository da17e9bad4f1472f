"""Free text is bounded below the API too: the model check every service and model form runs,
and the reason the audit writer keeps, so the web, the admin, imports and the CLI are bounded alike."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.limits import AUDIT_REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services as registry
from gongzhi.territory import services as territory
from tests.factories import make_household


def test_a_text_field_past_the_bound_is_refused_by_the_service(town):
    household = make_household(town["g11"])
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        registry.update_household(household, {"notes": "x" * (TEXT_MAX_LENGTH + 1)}, expected_version=household.version)
    assert exc.value.message_dict["notes"] == [f"不能超过 {TEXT_MAX_LENGTH} 个字符（现有 {TEXT_MAX_LENGTH + 1} 个）"]
    assert AuditEntry.objects.count() == entries


def test_a_model_form_shows_the_bound_on_its_field(town):
    from django import forms

    from gongzhi.registry.models import Household

    class NotesForm(forms.ModelForm):
        class Meta:
            model = Household
            fields = ["notes"]

    household = make_household(town["g11"])
    form = NotesForm({"notes": "x" * (TEXT_MAX_LENGTH + 1)}, instance=household)
    assert not form.is_valid()
    assert form.errors["notes"] == [f"不能超过 {TEXT_MAX_LENGTH} 个字符（现有 {TEXT_MAX_LENGTH + 1} 个）"]


def test_a_nul_character_is_refused_in_any_text(town):
    with pytest.raises(ValidationError) as exc:
        territory.create_building(grid=town["g11"], name="a\x00", address="人民路", floors=3)
    assert exc.value.message_dict["name"] == ["不能包含空字符（\\x00）"]


@pytest.mark.parametrize("write", ["create", "update", "delete", "record"])
def test_every_audit_entry_keeps_a_bounded_reason(town, write):
    """A 5 MB reason once made a 5 MB audit row. Whatever writer it passes, the entry keeps at
    most AUDIT_REASON_MAX_LENGTH characters (composed reasons quote notes kept in full elsewhere)."""
    household = make_household(town["g11"])
    huge = "因" * (5 * 1024 * 1024)
    if write == "create":
        territory.create_building(grid=town["g11"], name="9号楼", address="人民路", floors=3, reason=huge)
    elif write == "update":
        registry.update_household(household, {"room": "2-202"}, reason=huge)
    elif write == "delete":
        core.delete(household, reason=huge)
    else:
        core.record(AuditAction.VIEW, household, reason=huge + "\x00")
    reason = AuditEntry.objects.order_by("-pk").first().reason
    assert len(reason) == AUDIT_REASON_MAX_LENGTH and reason.endswith("因…")


def test_a_reason_within_the_bound_is_kept_whole(town):
    building = territory.create_building(
        grid=town["g11"], name="9号楼", address="人民路", floors=3, reason="因" * AUDIT_REASON_MAX_LENGTH
    )
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.object_repr == str(building) and entry.reason == "因" * AUDIT_REASON_MAX_LENGTH


def test_a_workflow_note_longer_than_an_input_reason_still_moves_the_case(town):
    """The reason composed from a journal note is cut in the audit copy, not refused."""
    from gongzhi.core.limits import REASON_MAX_LENGTH

    household = make_household(town["g11"])
    note = "记" * (REASON_MAX_LENGTH * 3)
    registry.update_household(household, {"notes": note}, reason=f"补记：{note}")
    household.refresh_from_db()
    assert household.notes == note
    assert AuditEntry.objects.order_by("-pk").first().reason == f"补记：{note}"


def test_a_document_field_takes_a_longer_bound(town):
    """Meeting minutes are a whole document: TEXT_LIMITS lifts their bound, and still bounds it."""
    from gongzhi.consultation.models import Meeting
    from gongzhi.core.limits import LONG_TEXT_MAX_LENGTH

    meeting = Meeting(minutes="记" * (TEXT_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as exc:
        meeting.clean_fields()
    assert "minutes" not in exc.value.message_dict
    meeting.minutes = "记" * (LONG_TEXT_MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as exc:
        meeting.clean_fields()
    assert exc.value.message_dict["minutes"] == [
        f"不能超过 {LONG_TEXT_MAX_LENGTH} 个字符（现有 {LONG_TEXT_MAX_LENGTH + 1} 个）"
    ]


@pytest.mark.parametrize("module", ["gongzhi.consultation.forms", "gongzhi.compact.forms"])
def test_free_text_form_fields_are_bounded(module):
    """Every multi-line text box of the plain (non-model) forms carries a max_length, so the
    browser stops at it and the form answers in its own field."""
    import importlib

    from django import forms

    mod = importlib.import_module(module)
    boxes = []
    for cls in vars(mod).values():
        if isinstance(cls, type) and issubclass(cls, forms.BaseForm):
            for name, f in cls.base_fields.items():
                if isinstance(f, forms.CharField) and isinstance(f.widget, forms.Textarea):
                    boxes.append((cls.__name__, name, f.max_length))
    assert boxes and all(limit for _, _, limit in boxes), [b for b in boxes if not b[2]]
