"""Forms of the account page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """Issue a new API token, named so the user can tell their tokens apart."""

    name = forms.CharField(
        label=_("用途"), max_length=50, required=False, help_text=_("如“统计脚本”，便于日后区分和撤销")
    )


class LinkSearchForm(forms.Form):
    """The staff search of the registry: a name, pinyin, or part of an ID or phone number."""

    q = forms.CharField(label=_("查找居民"), max_length=50, required=False)


class LinkExistingForm(forms.Form):
    """Link an account the resident already has."""

    username = forms.CharField(label=_("已有账号的用户名"), max_length=150)


class CreateAccountForm(forms.Form):
    """A new account for the resident; they change the password after the first login."""

    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("建议使用居民的手机号"))
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=True), help_text=_("请居民首次登录后修改")
    )


class UnlinkForm(forms.Form):
    reason = forms.CharField(label=_("解除绑定的原因"), max_length=200)


class RequestCodeForm(forms.Form):
    """What a resident types to prove who they are: both must match their registry record."""

    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    id_number = forms.CharField(label=_("身份证号"), max_length=20)


class ConfirmCodeForm(forms.Form):
    """The one-time code; a resident without an account also chooses a password (their phone
    number becomes the user name)."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, new_account=False, **kwargs):
        super().__init__(*args, **kwargs)
        if new_account:
            self.fields["password"] = forms.CharField(
                label=_("设置密码"), widget=forms.PasswordInput, help_text=_("至少 10 位，不要与姓名、手机号相同")
            )


class StaffUserForm(forms.Form):
    """A new user for 用户管理: who, and a first role on a place (accounts/staff_admin.py)."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    organisation = forms.ModelChoiceField(label=_("所属组织"), queryset=None, required=False)
    role = forms.ModelChoiceField(label=_("角色"), queryset=None)
    node = forms.ModelChoiceField(label=_("区域"), queryset=None)

    def __init__(self, *args, admin, **kwargs):
        from .models import Organisation, Role
        from .staff_admin import grantable_nodes

        super().__init__(*args, **kwargs)
        nodes = grantable_nodes(admin)
        self.fields["organisation"].queryset = Organisation.objects.filter(node__in=nodes)
        self.fields["role"].queryset = Role.objects.all()
        self.fields["node"].queryset = nodes


class GrantForm(forms.Form):
    """Grant one more role on a place."""

    role = forms.ModelChoiceField(label=_("角色"), queryset=None)
    node = forms.ModelChoiceField(label=_("区域"), queryset=None)

    def __init__(self, *args, admin, **kwargs):
        from .models import Role
        from .staff_admin import grantable_nodes

        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.all()
        self.fields["node"].queryset = grantable_nodes(admin)


class UserFilter(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), max_length=50, required=False)
