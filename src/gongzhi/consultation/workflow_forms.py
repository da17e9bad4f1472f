"""Forms of the workflow panel on a matter's page: starting a template (四议两公开 …) and
completing a step with its evidence. Like every consultation form they save nothing: the
view hands the cleaned data to services.start_workflow / services.complete_step, and the
service's refusal (out of order, missing evidence, wrong body, vote not passed) comes back
on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA


class StartWorkflowForm(forms.Form):
    template = forms.ModelChoiceField(label=_("办理流程"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：属于村民委员会组织法第二十四条事项"),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda t: t.name


class CompleteStepForm(forms.Form):
    """`step` lists every open step, the next one first chosen; choosing a later one is allowed
    so that the service can say which step has to come first."""

    step = forms.TypedChoiceField(label=_("办理步骤"), coerce=int)
    merge_previous = forms.BooleanField(label=_("与上一步合并办理"), required=False)
    decision = forms.ModelChoiceField(
        label=_("会议决议"),
        queryset=None,
        required=False,
        help_text=_("本议题已形成的会议决议；须为本步骤规定的机构作出并获通过"),
    )
    disclosure = forms.ModelChoiceField(
        label=_("公开栏条目"), queryset=None, required=False, help_text=_("本社区/村公开栏上的条目")
    )
    note = forms.CharField(label=_("办理情况记录"), required=False, max_length=2000, widget=TEXTAREA)
    done_on = forms.DateField(
        label=_("办理日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("记录步骤的办理日期，默认今天；不能早于上一步，不能晚于今天（会议和公开步骤按决议和公开日期）"),
    )

    def __init__(self, *args, steps, next_step, mergeable, decisions, disclosures, **kwargs):
        kwargs.setdefault("initial", {"step": next_step.order if next_step else None})
        super().__init__(*args, **kwargs)

        def when(s):
            if s == next_step:
                return _("（下一步）")
            if s == mergeable:
                return _("（可与第 %(n)s 步合并）") % {"n": next_step.order}
            return _("（未到）")

        self.fields["step"].choices = [
            (s.order, _("第 %(n)s 步 %(name)s%(when)s") % {"n": s.order, "name": s.name, "when": when(s)})
            for s in steps
        ]
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = lambda d: (
            f"{d.body.name} · {d.decided_on:%Y-%m-%d} · {d.get_outcome_display()}：{d.text[:40]}"
        )
        self.fields["disclosure"].queryset = disclosures
        self.fields["disclosure"].label_from_instance = lambda e: f"#{e.seq} {e.title[:40]} · {e.published_at:%Y-%m-%d}"
        # Offered only while the step that may merge and the one before it are both open.
        if mergeable is not None:
            self.fields["merge_previous"].label = _("第 %(a)s、%(b)s 步合并办理") % {
                "a": mergeable.order - 1,
                "b": mergeable.order,
            }
            self.fields["merge_previous"].help_text = mergeable.note
        else:
            del self.fields["merge_previous"]
