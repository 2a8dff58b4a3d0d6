"""Communities, their places and inventories in the admin, to read: they change on the community's own pages
(settings, inventory), which log every change. Site administrators hand directory records to another steward
here: a service with its parts, or everything a community keeps."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from carepath.directory.admin import ADMINS, ReadOnly
from carepath.directory.models import Service

from . import services
from .models import Community, ImportJob, InventoryEntry, ListingReport, Place


class StewardForm(forms.Form):
    steward = forms.ModelChoiceField(
        queryset=Community.objects.all(),
        required=False,
        empty_label=gettext_lazy("The site"),
        label=gettext_lazy("New steward"),
    )


def _handover(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any], *, title: str, apply: Any
) -> TemplateResponse | None:
    """An action with a page that asks for the new steward, then ``apply(objects, steward)``."""
    form = StewardForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        moved = apply(list(queryset), form.cleaned_data["steward"])
        modeladmin.message_user(
            request, _("%(count)s records changed hands.") % {"count": moved}, messages.SUCCESS
        )
        return None
    return TemplateResponse(
        request,
        "admin/carepath/handover.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


class ServiceAdmin(ADMINS[Service]):  # type: ignore[misc,valid-type]
    actions = ["transfer"]

    def has_transfer_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    @admin.action(
        description=gettext_lazy("Hand to another steward, with their phones, places and terms"),
        permissions=["transfer"],
    )
    def transfer(self, request: HttpRequest, queryset: QuerySet[Service]) -> TemplateResponse | None:
        return _handover(
            self,
            request,
            queryset,
            title=_("Hand services to another steward"),
            apply=lambda items, steward: services.transfer_services(
                service_ids=[s.pk for s in items], to=steward, actor=request.user
            ),
        )


admin.site.unregister(Service)
admin.site.register(Service, ServiceAdmin)


class PlaceInline(ReadOnly, TranslationTabularInline):  # type: ignore[misc]
    model = Place
    extra = 0


@admin.register(Community)
class CommunityAdmin(ReadOnly, TranslationAdmin):  # type: ignore[misc]
    list_display = ("name", "slug", "region")
    search_fields = ("slug", "name_en", "name_fr")
    inlines = [PlaceInline]
    actions = ["hand_over"]

    def has_transfer_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    @admin.action(
        description=gettext_lazy("Hand every record it keeps to another steward"), permissions=["transfer"]
    )
    def hand_over(self, request: HttpRequest, queryset: QuerySet[Community]) -> TemplateResponse | None:
        return _handover(
            self,
            request,
            queryset,
            title=_("Hand a community's records to another steward"),
            apply=lambda items, steward: sum(
                services.hand_over_records(community=c, to=steward, actor=request.user)
                for c in items
                if c != steward
            ),
        )


@admin.register(Place)
class PlaceAdmin(ReadOnly, TranslationAdmin):  # type: ignore[misc]
    list_display = ("name", "community", "kind", "latitude", "longitude")
    list_filter = ("community", "kind")
    list_select_related = ("community",)


@admin.register(InventoryEntry)
class InventoryEntryAdmin(ReadOnly, TranslationAdmin):  # type: ignore[misc]
    list_display = ("service", "community", "published", "updated_at")
    list_filter = ("community", "published")
    list_select_related = ("service", "community")
    raw_id_fields = ("service", "added_by")
    search_fields = ("service__name_en", "service__name_fr")


@admin.register(ListingReport)
class ListingReportAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[misc]
    """To read: reports are resolved on the steward's page (or the site's), which logs it."""

    list_display = ("service_name", "steward", "kind", "created_at", "resolved_at")
    list_filter = ("kind", "steward")
    list_select_related = ("steward",)
    raw_id_fields = ("service", "resolved_by")
    search_fields = ("service_name",)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[misc]
    """Imports from the web, to read: a job that stays queued means no ``carepath db_worker`` is running."""

    list_display = ("filename", "community", "status", "stage", "done", "total", "created_by", "created_at")
    list_filter = ("status", "community")
    list_select_related = ("community", "created_by")
