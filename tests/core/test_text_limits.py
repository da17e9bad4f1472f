"""Free text is bounded below the API too: the model check every service and model form runs,
and the audit writer's reason, so the web, the admin, imports and the CLI are bounded alike."""
import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
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
def test_a_reason_past_the_bound_is_refused_before_anything_is_written(town, write):
    household = make_household(town["g11"])
    entries = AuditEntry.objects.count()
    long = "因" * (REASON_MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as exc:
        if write == "create":
            territory.create_building(grid=town["g11"], name="9号楼", address="人民路", floors=3, reason=long)
        elif write == "update":
            registry.update_household(household, {"room": "2-202"}, reason=long)
        elif write == "delete":
            core.delete(household, reason=long)
        else:
            core.record(AuditAction.VIEW, household, reason=long)
    assert exc.value.message_dict == {"reason": [f"原因不能超过 {REASON_MAX_LENGTH} 个字符（现有 {REASON_MAX_LENGTH + 1} 个）"]}
    assert AuditEntry.objects.count() == entries
    household.refresh_from_db()
    assert household.room != "2-202"


def test_a_reason_at_the_bound_is_kept_whole(town):
    building = territory.create_building(grid=town["g11"], name="9号楼", address="人民路", floors=3,
                                         reason="因" * REASON_MAX_LENGTH)
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.object_repr == str(building) and entry.reason == "因" * REASON_MAX_LENGTH
