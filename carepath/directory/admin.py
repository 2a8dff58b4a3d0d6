"""Every HSDS table in the Django admin, to read: writes go through imports and the service forms, which check
who keeps a record and log every change (README, "Shared records"). Translated models show both languages.
Handing records to another steward is an action of ``carepath.communities.admin``."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from . import models
from .translation import TRANSLATED

SEARCH = {
    models.Service: ("name_en", "name_fr", "id"),
    models.Organization: ("name_en", "name_fr", "id"),
    models.TaxonomyTerm: ("code", "name_en", "name_fr"),
    models.Location: ("name_en", "name_fr", "id"),
    models.Phone: ("number",),
    models.Attribute: ("link_id", "value"),
}
LISTS = {
    models.Service: ("name", "organization", "status", "steward", "last_modified"),
    models.Organization: ("name", "email", "website", "steward"),
    models.TaxonomyTerm: ("code", "name", "taxonomy"),
    models.Location: ("name", "latitude", "longitude", "steward"),
    models.Attribute: ("link_entity", "link_id", "taxonomy_term", "value"),
}
RAW_IDS = (
    "organization",
    "program",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
    "parent",
    "parent_organization",
    "taxonomy_term",
    "taxonomy_detail",
    "unit",
)


class ReadOnly:
    """An admin that shows records and changes none."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


ADMINS: dict[type[models.HSDSModel], type[admin.ModelAdmin[Any]]] = {}
for model in models.HSDS_MODELS.values():
    base = TranslationAdmin if model in TRANSLATED else admin.ModelAdmin
    raw = tuple(name for name in RAW_IDS if any(f.name == name for f in model._meta.get_fields()))
    listed = LISTS.get(model, ("__str__",))
    options = {
        "search_fields": SEARCH.get(model, ("id",)),
        "list_display": listed,
        "list_filter": ("steward",) if "steward" in listed else (),
        "raw_id_fields": raw,
        "list_select_related": tuple(n for n in (*raw, "steward") if n in listed),
    }
    ADMINS[model] = type(f"{model.__name__}Admin", (ReadOnly, base), options)
    admin.site.register(model, ADMINS[model])
