"""Web forms of the registry: resident (八字段 and residence status), move, household, and the
list filters. Forms never save; views pass their values to registry.services, and the same
validation module the services use checks ID number, gender, birth date and phone here so
every error shows under its field at once."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.choices import Gender
from gongzhi.core.forms import ServiceForm
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.territory import permissions as territory_perms
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Building, Node

from . import choices as c
from . import permissions as perms
from .disclosure import MaskedNumbersForm
from .grid_filter import limit_grid_filter
from .models import Household, Resident, Tag
from .validation import clean_person_fields

PERSON_FIELDS = ("name", "id_number", "gender", "birth_date", "phone")


def grids_for(user, perm):
    return Node.objects.visible_to(user, perm).filter(level=Level.GRID).order_by("code")


def tags_for(user, path=None):
    """Tags `user` may see and set: sensitive ones only with registry.view_sensitive (on `path`
    when given, else anywhere)."""
    qs = Tag.objects.all()
    may = (
        has_perm_at(user, perms.VIEW_SENSITIVE, path)
        if path is not None
        else has_perm_anywhere(user, perms.VIEW_SENSITIVE)
    )
    return qs if may else qs.filter(sensitive=False)


def _blank(choices, label=None):
    return [("", label or gettext_lazy("全部"))] + list(choices)


class ResidentFilter(forms.Form):
    """Search box and filters of the resident list."""

    q = forms.CharField(
        label=gettext_lazy("姓名/拼音/证件号/电话"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("如 张三、zs、1234")}),
    )
    grid = forms.TypedChoiceField(label=gettext_lazy("网格"), required=False, coerce=int, empty_value=None)
    area = forms.IntegerField(required=False, widget=forms.HiddenInput)
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
    residence_type = forms.ChoiceField(
        label=gettext_lazy("人口类型"), required=False, choices=_blank(c.ResidenceType.choices)
    )
    tag = forms.TypedChoiceField(label=gettext_lazy("标签"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False, choices=_blank(c.Status.choices))
    permit = forms.ChoiceField(
        label=gettext_lazy("居住证"),
        required=False,
        choices=(("", "—"), ("due", gettext_lazy("一个月内到期或已过期"))),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        limit_grid_filter(self, user, perms.VIEW_RESIDENT)
        self.fields["tag"].choices = _blank((t.pk, t.name) for t in tags_for(user))


class HouseholdFilter(forms.Form):
    """Search box and filters of the household list."""

    q = forms.CharField(
        label=gettext_lazy("户号/地址/户主"), required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    grid = forms.TypedChoiceField(label=gettext_lazy("网格"), required=False, coerce=int, empty_value=None)
    area = forms.IntegerField(required=False, widget=forms.HiddenInput)
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tenure = forms.ChoiceField(label=gettext_lazy("居住方式"), required=False, choices=_blank(c.Tenure.choices))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        limit_grid_filter(self, user, perms.VIEW_HOUSEHOLD)


class PersonFieldsMixin:
    """Runs the registry's ID/gender/birth-date/phone rules in the form, so a wrong check
    character is reported under the ID field together with any other mistake."""

    def clean_person(self):
        data = {k: self.cleaned_data.get(k) for k in PERSON_FIELDS if k in self.fields and k not in self.errors}
        try:
            cleaned = clean_person_fields(data)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error.messages)
            return
        for k in PERSON_FIELDS:
            if k in cleaned and k in self.fields:
                self.cleaned_data[k] = cleaned[k]


class ResidentForm(MaskedNumbersForm, PersonFieldsMixin, ServiceForm):
    """Create or correct a resident. On create the household (fixed when coming from the
    household page, else typed as 户号) or the grid places the person; on edit the place
    changes only through the move form."""

    model = Resident
    field_names = (
        "name",
        "id_number",
        "gender",
        "birth_date",
        "ethnicity",
        "phone",
        "household",
        "grid",
        "relation",
        "residence_type",
        "separation",
        "employment",
        "employer",
        "social_relations",
        "fertility",
        "labour_security",
        "status",
        "hukou_place",
        "arrived_on",
        "permit_issued_on",
        "permit_valid_until",
        "tags",
        "notes",
    )
    widgets = {
        "birth_date": forms.DateInput(attrs={"type": "date"}),
        "arrived_on": forms.DateInput(attrs={"type": "date"}),
        "permit_issued_on": forms.DateInput(attrs={"type": "date"}),
        "permit_valid_until": forms.DateInput(attrs={"type": "date"}),
        "tags": forms.CheckboxSelectMultiple,
        "notes": forms.Textarea(attrs={"rows": 2}),
    }
    household_number = forms.CharField(
        label=gettext_lazy("户号"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("选填：填写已登记的户号，居民即加入该户"),
    )

    def __init__(self, *args, fixed_household=None, **kwargs):
        self.fixed_household = fixed_household
        super().__init__(*args, **kwargs)
        self.mask_numbers()  # an edit form reveals no number (disclosure.py)

    def scope(self, user):
        f = self.fields
        f["id_number"].widget.attrs.update(autocomplete="off", inputmode="text", maxlength=18)
        f["id_number"].help_text = _("18 位，末位可为 X；旧版 15 位号码会自动升级")
        f["phone"].widget.attrs.update(inputmode="tel")
        f["gender"].required = False
        f["gender"].choices = _blank(Gender.choices, _("按身份证号"))
        f["gender"].help_text = _("可不填，按身份证号第 17 位自动判断")
        f["birth_date"].required = False
        f["birth_date"].help_text = _("可不填，按身份证号自动读取")
        f["residence_type"].help_text = _("新市民按流动人口登记")
        f["hukou_place"].help_text = _("户口所在地，如 安徽省阜阳市临泉县")
        f["permit_issued_on"].help_text = _("仅流动人口；须在来本地满半年后")
        f["permit_valid_until"].help_text = _("每年签注后更新；到期前一个月出现在网格员的名单上")
        path = self.instance.grid.path if self.instance else None
        f["tags"].queryset = tags_for(user, path)
        if self.instance is not None:
            for name in ("household", "grid", "household_number"):
                del f[name]
            return
        f["household"].queryset = Household.objects.visible_to(user, perms.ADD_RESIDENT).select_related("grid")
        f["household"].widget = forms.HiddenInput()
        f["grid"].queryset = grids_for(user, perms.ADD_RESIDENT)
        f["grid"].required = False
        if self.fixed_household is not None:
            del f["grid"], f["household_number"]
        else:
            del f["household"]

    def clean(self):
        super().clean()
        self.clean_person()
        if self.instance is None:
            self._clean_place()
        self._clean_tags()
        return self.cleaned_data

    def _clean_place(self):
        data = self.cleaned_data
        if self.fixed_household is not None:
            data["household"] = self.fixed_household
            data["grid"] = self.fixed_household.grid
            return
        number = (data.pop("household_number", "") or "").strip()
        household = None
        if number:
            household = Household.objects.visible_to(self.user, perms.ADD_RESIDENT).filter(number=number).first()
            if household is None:
                self.add_error("household_number", _("没有找到户号 %(n)s（或不在您的辖区内）") % {"n": number})
                return
        data["household"] = household
        if household is not None:
            data["grid"] = household.grid
        elif not data.get("grid") and "grid" not in self.errors:
            self.add_error("grid", _("请选择网格，或填写户号"))

    def _clean_tags(self):
        grid = self.instance.grid if self.instance else self.cleaned_data.get("grid")
        tags = self.cleaned_data.get("tags") or []
        if (
            grid is not None
            and any(t.sensitive for t in tags)
            and not has_perm_at(self.user, perms.VIEW_SENSITIVE, grid.path)
        ):
            self.add_error("tags", _("您在该网格无权设置敏感标签"))

    def changes(self):
        data = super().changes()
        data.pop("tags", None)
        return data


class MoveForm(forms.Form):
    """Move a resident to another household (by 户号) or to a grid without a household."""

    household_number = forms.CharField(label=gettext_lazy("迁入户号"), required=False, max_length=30)
    grid = forms.ModelChoiceField(
        label=gettext_lazy("或迁入网格（不入户）"), required=False, queryset=Node.objects.none()
    )
    relation = forms.ChoiceField(
        label=gettext_lazy("与新户主关系"), required=False, choices=_blank(c.Relation.choices, "—")
    )
    reason = forms.CharField(label=gettext_lazy("迁移原因"), max_length=200)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for(user, perms.CHANGE_RESIDENT)

    def clean(self):
        data = super().clean()
        number = (data.get("household_number") or "").strip()
        data["household"] = None
        if number:
            data["household"] = (
                Household.objects.visible_to(self.user, perms.CHANGE_RESIDENT)
                .filter(number=number)
                .select_related("grid")
                .first()
            )
            if data["household"] is None:
                self.add_error("household_number", _("没有找到户号 %(n)s（或不在您的辖区内）") % {"n": number})
        elif not data.get("grid"):
            self.add_error("household_number", _("请填写迁入户号，或选择迁入网格"))
        return data


class HouseholdForm(ServiceForm):
    """Register or correct a household: building + room, or an address."""

    model = Household
    field_names = ("number", "grid", "building", "room", "address", "tenure", "landlord_name", "head", "notes")
    widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def scope(self, user):
        f = self.fields
        perm = perms.CHANGE_HOUSEHOLD if self.instance else perms.ADD_HOUSEHOLD
        f["grid"].queryset = grids_for(user, perm)
        f["grid"].required = False
        f["grid"].help_text = _("选择楼栋时可不填，按楼栋所在网格")
        f["building"].queryset = Building.objects.visible_to(user, territory_perms.VIEW_BUILDING).select_related("grid")
        f["building"].label_from_instance = lambda b: f"{b.grid.name} · {b.name}"
        f["tenure"].widget = forms.RadioSelect(choices=c.Tenure.choices)
        if self.instance is None:
            del f["head"]
            f["number"].required = False
            f["number"].help_text = _("留空则按本网格的编号规则自动生成")
            return
        members = Resident.objects.visible_to(user).filter(household=self.instance)
        if self.instance.head_id and not members.filter(pk=self.instance.head_id).exists():
            # A head the user may not see (a sensitive record) cannot be shown as a choice;
            # leaving the field out keeps it instead of clearing it on save.
            del f["head"]
        else:
            f["head"].queryset = members

    def clean(self):
        data = super().clean()
        if not data.get("grid") and not data.get("building") and "grid" not in self.errors:
            self.add_error("grid", _("请选择网格或楼栋"))
        return data


class DeleteForm(forms.Form):
    """Confirm deleting a record entered by mistake: the reason goes into the change log."""

    reason = forms.CharField(
        label=gettext_lazy("删除原因"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写删除原因，会记入修改历史")},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
