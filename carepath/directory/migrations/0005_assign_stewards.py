"""Give the records that existed before stewards one: the community that first listed the service they belong to.

Services: the community whose inventory listed them first. Organizations: the steward of their first service.
Locations: the steward of a service offered there, else of their organization. Every other record: the steward
of the record it is part of (a phone of a service, an address of a location, an attribute of a service...).
Records that belong to no community (the carepath vocabulary, taxonomies, units) stay with the site.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

# table -> the links that make a record part of another (carepath.directory.hsds.spec.OWNERS at this time)
PARTS = {
    "OrganizationIdentifier": ("organization",),
    "Program": ("organization",),
    "ServiceAtLocation": ("service",),
    "Address": ("location",),
    "Accessibility": ("location",),
    "Contact": ("service", "service_at_location", "location", "organization"),
    "Phone": ("service", "service_at_location", "location", "contact", "organization"),
    "Schedule": ("service", "service_at_location", "location"),
    "ServiceArea": ("service", "service_at_location"),
    "Language": ("service", "location", "phone"),
    "Funding": ("service", "organization"),
    "CostOption": ("service",),
    "RequiredDocument": ("service",),
    "Url": ("service", "organization"),
    "ServiceCapacity": ("service",),
}
POLYMORPHIC = {"service": "Service", "organization": "Organization", "location": "Location"}


def assign(apps, schema_editor):
    model = lambda name: apps.get_model("directory", name)  # noqa: E731
    entries = apps.get_model("communities", "InventoryEntry").objects
    Service, Organization, Location = model("Service"), model("Organization"), model("Location")
    first = entries.filter(service_id=OuterRef("pk")).order_by("added_at", "id").values("community_id")[:1]
    Service.objects.filter(steward__isnull=True).update(steward_id=Subquery(first))
    services = Service.objects.filter(organization_id=OuterRef("pk"), steward__isnull=False).order_by("id")
    Organization.objects.filter(steward__isnull=True).update(
        steward_id=Subquery(services.values("steward_id")[:1])
    )
    offered = model("ServiceAtLocation").objects.filter(
        location_id=OuterRef("pk"), service__steward__isnull=False
    )
    organization = Organization.objects.filter(pk=OuterRef("organization_id"))
    Location.objects.filter(steward__isnull=True).update(
        steward_id=Coalesce(
            Subquery(offered.order_by("id").values("service__steward_id")[:1]),
            Subquery(organization.values("steward_id")[:1]),
        )
    )
    for name, links in PARTS.items():
        part = model(name)
        owners = [
            Subquery(
                part._meta.get_field(link)
                .related_model.objects.filter(pk=OuterRef(f"{link}_id"))
                .values("steward_id")[:1]
            )
            for link in links
        ]
        value = Coalesce(*owners) if len(owners) > 1 else owners[0]
        part.objects.filter(steward__isnull=True).update(steward_id=value)
    for name, entity_field, id_field in (
        ("Attribute", "link_entity", "link_id"),
        ("Metadata", "resource_type", "resource_id"),
    ):
        for entity, owner in POLYMORPHIC.items():
            steward = model(owner).objects.filter(pk=OuterRef(id_field)).values("steward_id")[:1]
            model(name).objects.filter(steward__isnull=True, **{entity_field: entity}).update(
                steward_id=Subquery(steward)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_steward"),
        ("communities", "0001_initial"),
    ]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop, elidable=True)]
