"""Every action a dispute page offers has one service, which takes every field the table gives
it by name (a renamed parameter would otherwise fail only when someone submits the form; the
forms' cleaned data is checked by the action views' tests)."""

import inspect

from gongzhi.mediation.forms import ACTION_FORMS
from gongzhi.mediation.views.dispute import SERVICE_OF


def test_every_action_form_has_its_service():
    assert set(ACTION_FORMS) == set(SERVICE_OF)


def test_each_service_takes_the_fields_it_is_given():
    for name, (service, fields) in SERVICE_OF.items():
        params = inspect.signature(service).parameters
        for f in fields:
            assert f in params, (name, f)
        assert "expected_version" in params, name
