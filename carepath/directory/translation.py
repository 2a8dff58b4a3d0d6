"""Family-facing HSDS text is kept in English and French (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from . import models

TRANSLATED: dict[type, tuple[str, ...]] = {
    models.Taxonomy: ("name", "description"),
    models.TaxonomyTerm: ("name", "description"),
    models.Organization: ("name", "alternate_name", "description", "legal_status"),
    models.Program: ("name", "alternate_name", "description"),
    models.Service: (
        "name",
        "alternate_name",
        "description",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "alert",
    ),
    models.Location: ("name", "alternate_name", "description", "transportation"),
    models.ServiceAtLocation: ("description",),
    models.Contact: ("title", "department"),
    models.Phone: ("description",),
    models.Schedule: ("description", "attending_type", "notes"),
    models.ServiceArea: ("name", "description"),
    models.Language: ("name", "note"),
    models.Address: ("region",),
    models.Funding: ("source",),
    models.CostOption: ("option", "amount_description"),
    models.RequiredDocument: ("document",),
    models.Accessibility: ("description", "details"),
    models.Url: ("label",),
    models.ServiceCapacity: ("description",),
    models.Attribute: ("label",),
}

for model, field_names in TRANSLATED.items():
    register(model)(
        type(f"{model.__name__}TranslationOptions", (TranslationOptions,), {"fields": field_names})
    )
