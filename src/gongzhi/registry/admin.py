"""The registry in the back office: one more client of the same services, version check,
masking and audit as the web and the API. Full ID and phone numbers are never shown here (the
change form holds them masked; an unchanged masked value means "unchanged"); revealing them is
the web detail page's button, with a purpose, audited. Showing a record carrying a sensitive
tag — in the list or on its change page — is logged like on every other channel."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.admin_mixins import ScopedServiceAdmin
from gongzhi.core.masking import mask_id, mask_phone

from . import duplicates, services
from .disclosure import MaskedNumbersForm, log_sensitive_reads
from .models import Household, Resident, ResidentMove, Tag
from .validation import clean_person_fields


@admin.register(Tag)
class TagAdmin(ScopedServiceAdmin):
    list_display = ("name", "slug", "sensitive", "care")
    create_service = staticmethod(services.create_tag)
    update_service = staticmethod(services.update_tag)
    delete_service = staticmethod(services.delete_tag)

    def get_queryset(self, request):
        return Tag.objects.all()


@admin.register(Household)
class HouseholdAdmin(ScopedServiceAdmin):
    list_display = ("number", "grid", "building", "room", "tenure", "head")
    search_fields = ("number", "address", "room")
    autocomplete_fields = ("grid", "building", "head")
    create_service = staticmethod(services.create_household)
    update_service = staticmethod(services.update_household)
    delete_service = staticmethod(services.delete_household)


@admin.register(Resident)
class ResidentAdmin(ScopedServiceAdmin):
    list_display = ("name", "masked_id", "gender", "birth_date", "masked_phone", "grid", "household", "status")
    list_filter = ("residence_type", "status", "gender")
    search_fields = ("name", "name_initials", "name_pinyin")
    autocomplete_fields = ("grid", "household")
    filter_horizontal = ("tags",)
    create_service = staticmethod(services.create_resident)
    update_service = staticmethod(services.update_resident)
    delete_service = staticmethod(services.delete_resident)

    def get_readonly_fields(self, request, obj=None):
        # Once registered, a person changes household or grid only through the move service.
        return ("household", "grid") if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class ResidentAdminForm(MaskedNumbersForm, base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.mask_numbers()

        return ResidentAdminForm

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original") if request.method == "GET" else None
        if obj is not None:
            log_sensitive_reads([obj])
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            log_sensitive_reads(changelist.result_list)
        return response

    def validate_with_services(self, data, instance):
        fields = {k: data.get(k) for k in ("name", "id_number", "gender", "birth_date", "phone") if k in data}
        cleaned = clean_person_fields(fields)
        if "id_number" not in cleaned:
            return
        existing = Resident.objects.filter(id_number=cleaned["id_number"]).exclude(pk=instance.pk).first()
        if existing is not None:
            # The same answer as the web form, the API and the import (registry/duplicates.py).
            duplicates.check_allowance()
            if duplicates.may_know(duplicates.acting_user(), existing):
                raise ValidationError({"id_number": _("该身份证号已登记（居民编号 %(id)s）") % {"id": existing.pk}})
            duplicates.note_refusal(existing)
            raise ValidationError({"id_number": duplicates.hidden_message()})

    @admin.display(description=gettext_lazy("身份证号"))
    def masked_id(self, obj):
        return mask_id(obj.id_number)

    @admin.display(description=gettext_lazy("电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(ResidentMove)
class ResidentMoveAdmin(admin.ModelAdmin):
    list_display = ("resident", "at", "from_grid", "to_grid", "reason", "actor_name")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(resident__in=Resident.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
