"""Every HSDS table in the Django admin; translated models show their English and French fields."""

from django.contrib import admin
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
    models.Service: ("name", "organization", "status", "last_modified"),
    models.Organization: ("name", "email", "website"),
    models.TaxonomyTerm: ("code", "name", "taxonomy"),
    models.Location: ("name", "latitude", "longitude"),
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

for model in models.HSDS_MODELS.values():
    base = TranslationAdmin if model in TRANSLATED else admin.ModelAdmin
    raw = tuple(name for name in RAW_IDS if any(f.name == name for f in model._meta.get_fields()))
    options = {
        "search_fields": SEARCH.get(model, ("id",)),
        "list_display": LISTS.get(model, ("__str__",)),
        "raw_id_fields": raw,
        "list_select_related": tuple(n for n in raw if n in LISTS.get(model, ())),
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (base,), options))
