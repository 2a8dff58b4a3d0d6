"""The HSDS 3 directory: one model per HSDS table, fields named as in the specification.

HSDS ids (UUIDs) are the primary keys. Links between records are foreign keys without database constraints,
because real directories (and the official examples) refer to records they do not hold; the importer warns
about such references and keeps them. Every record has a steward, the community whose import or form made it
(none: the site, as for the carepath vocabulary); only its steward changes it (README, "Shared records").
The directory only stores the steward; the communities app decides who may write. Family-facing text is
translated (see ``translation.py``): each such field has ``_en`` and ``_fr`` columns.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower, Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import search
from .vocabulary import TAXONOMY_ID, WAIT_DAYS


def opt_text() -> Any:
    return models.TextField(null=True, blank=True)


def opt_number() -> Any:
    return models.FloatField(null=True, blank=True)


def link(to: str, related_name: str, **options: Any) -> Any:
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name=related_name,
        **options,
    )


class HSDSModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    steward = models.ForeignKey(
        "communities.Community",
        verbose_name=_("steward"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,  # hand a community's records to another before it goes
        related_name="+",
        help_text=_("The community that keeps this record; none: the site."),
    )
    hsds_table = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", None) or self.id)

    @classmethod
    def attname(cls, column: str) -> str:
        """The model attribute of an HSDS field (``taxonomy_term.taxonomy_id`` is ``taxonomy_detail_id``)."""
        return next(f.attname for f in cls._meta.concrete_fields if f.column == column)


class TaxonomyQuerySet(models.QuerySet["Taxonomy"]):
    def search(self, text: str) -> TaxonomyQuerySet:
        return self.filter(
            Q(name_en__icontains=text) | Q(description_en__icontains=text) | Q(description_fr__icontains=text)
        )


class Taxonomy(HSDSModel):
    hsds_table = "taxonomy"
    name = models.TextField()
    description = models.TextField()
    uri = opt_text()
    version = opt_text()
    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")


class TaxonomyTermQuerySet(models.QuerySet["TaxonomyTerm"]):
    def carepath(self) -> TaxonomyTermQuerySet:
        return self.filter(taxonomy_detail_id=TAXONOMY_ID)

    def branch(self, branch: str) -> TaxonomyTermQuerySet:
        return self.carepath().filter(code__startswith=f"{branch}/")

    def search(self, text: str) -> TaxonomyTermQuerySet:
        return self.filter(Q(name_en__icontains=text) | Q(name_fr__icontains=text) | Q(code__icontains=text))

    def of_taxonomy(self, taxonomy_id: str) -> TaxonomyTermQuerySet:
        return self.filter(taxonomy_detail_id=taxonomy_id)

    def under(self, parent_id: str) -> TaxonomyTermQuerySet:
        return self.filter(parent_id=parent_id)

    def top(self) -> TaxonomyTermQuerySet:
        return self.filter(parent__isnull=True)


class TaxonomyTerm(HSDSModel):
    hsds_table = "taxonomy_term"
    code = opt_text()
    name = models.TextField()
    description = models.TextField()
    parent = link("self", "children")
    taxonomy = opt_text()  # the taxonomy's name, as HSDS writes it
    # HSDS names the link "taxonomy_id" and the nested object "taxonomy_detail"; "taxonomy" is a name.
    taxonomy_detail = link("Taxonomy", "terms", db_column="taxonomy_id")
    language = opt_text()
    term_uri = opt_text()
    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["code"]
        indexes = [models.Index(fields=["code"])]

    @property
    def branch(self) -> str:
        return (self.code or "").split("/", 1)[0]


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def search(self, text: str) -> OrganizationQuerySet:
        return self.filter(Q(name_en__icontains=text) | Q(name_fr__icontains=text))


class Organization(HSDSModel):
    hsds_table = "organization"
    name = models.TextField()
    alternate_name = opt_text()
    description = models.TextField()
    email = opt_text()
    website = opt_text()
    tax_status = opt_text()
    tax_id = opt_text()
    year_incorporated = opt_number()
    legal_status = opt_text()
    logo = opt_text()
    uri = opt_text()
    parent_organization = link("self", "children")
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [models.Index(Lower("name_en"), F("id"), name="organization_name_order")]


class OrganizationIdentifier(HSDSModel):
    hsds_table = "organization_identifier"
    organization = link("Organization", "organization_identifiers")
    identifier_scheme = opt_text()
    identifier_type = models.TextField()
    identifier = models.TextField()


class Program(HSDSModel):
    hsds_table = "program"
    organization = link("Organization", "programs")
    name = models.TextField()
    alternate_name = opt_text()
    description = models.TextField()


class ServiceQuerySet(models.QuerySet["Service"]):
    def active(self) -> ServiceQuerySet:
        return self.filter(status=Service.Status.ACTIVE)

    def for_age(self, months: int) -> ServiceQuerySet:
        years = months / 12
        return self.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=years)).filter(
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=years)
        )

    def with_term(self, term_id: str | uuid.UUID) -> ServiceQuerySet:
        return self.filter(
            id__in=Attribute.objects.of_services().filter(taxonomy_term_id=term_id).values("link_id")
        )

    def in_taxonomy(self, taxonomy_id: str | uuid.UUID) -> ServiceQuerySet:
        """Services with any term of the taxonomy."""
        return self.filter(
            id__in=Attribute.objects.of_services()
            .filter(taxonomy_term__taxonomy_detail_id=taxonomy_id)
            .values("link_id")
        )

    def of_organization(self, organization_id: str | uuid.UUID) -> ServiceQuerySet:
        return self.filter(organization_id=organization_id)

    def speaking(self, code: str) -> ServiceQuerySet:
        return self.filter(languages__code__iexact=code).distinct()

    def search(self, words: str, *, fuzzy: bool = False) -> ServiceQuerySet:
        """Services the words find (``search.py``); ``search.rank`` orders them best first."""
        return search.find(self, words, fuzzy=fuzzy, organizations=Organization.objects.all())

    def modified_after(self, moment: Any) -> ServiceQuerySet:
        return self.filter(last_modified__gte=moment)


class Service(HSDSModel):
    hsds_table = "service"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    organization = link("Organization", "services")
    program = link("Program", "services")
    name = models.TextField()
    alternate_name = opt_text()
    description = opt_text()
    url = opt_text()
    email = opt_text()
    status = models.TextField(choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = opt_text()
    application_process = opt_text()
    fees_description = opt_text()
    wait_time = opt_text()
    fees = opt_text()
    accreditations = opt_text()
    eligibility_description = opt_text()
    minimum_age = opt_number()
    maximum_age = opt_number()
    assured_date = opt_text()
    assurer_email = opt_text()
    licenses = opt_text()
    alert = opt_text()
    last_modified = models.DateTimeField(null=True, blank=True, db_index=True)
    # Moved by every change through a form or an import (carepath.concurrency); a database default, because
    # imports insert rows straight into the table.
    revision = models.PositiveIntegerField(_("revision"), default=0, db_default=0, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [  # lists' orders, and who keeps what by id (search indexes: migration 0008)
            models.Index(fields=["status"]),
            models.Index(Lower("name_en"), F("id"), name="service_name_en_order"),
            models.Index(Lower(Coalesce("name_fr", "name_en")), F("id"), name="service_name_fr_order"),
            models.Index(fields=["id", "steward"], name="service_steward_by_id"),
        ]


class Location(HSDSModel):
    hsds_table = "location"

    class Type(models.TextChoices):
        PHYSICAL = "physical", pgettext_lazy("location type", "Physical")
        POSTAL = "postal", pgettext_lazy("location type", "Postal")
        VIRTUAL = "virtual", pgettext_lazy("location type", "Virtual")

    location_type = models.TextField(choices=Type.choices, default=Type.PHYSICAL)
    url = opt_text()
    organization = link("Organization", "locations")
    name = opt_text()
    alternate_name = opt_text()
    description = opt_text()
    transportation = opt_text()
    latitude = opt_number()
    longitude = opt_number()
    external_identifier = opt_text()
    external_identifier_type = opt_text()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")


class ServiceAtLocation(HSDSModel):
    hsds_table = "service_at_location"
    service = link("Service", "service_at_locations")
    location = link("Location", "service_at_locations")
    description = opt_text()

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")


class Address(HSDSModel):
    hsds_table = "address"

    class Type(models.TextChoices):
        PHYSICAL = "physical", pgettext_lazy("address type", "Physical")
        POSTAL = "postal", pgettext_lazy("address type", "Postal")
        VIRTUAL = "virtual", pgettext_lazy("address type", "Virtual")

    location = link("Location", "addresses")
    attention = opt_text()
    address_1 = models.TextField()
    address_2 = opt_text()
    city = models.TextField()
    region = opt_text()
    state_province = models.TextField()
    postal_code = models.TextField()
    country = models.TextField()
    address_type = models.TextField(choices=Type.choices)

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_1, self.city, self.state_province) if p)


class Contact(HSDSModel):
    hsds_table = "contact"
    organization = link("Organization", "contacts")
    service = link("Service", "contacts")
    service_at_location = link("ServiceAtLocation", "contacts")
    location = link("Location", "contacts")
    name = opt_text()
    title = opt_text()
    department = opt_text()
    email = opt_text()


class Phone(HSDSModel):
    hsds_table = "phone"
    location = link("Location", "phones")
    service = link("Service", "phones")
    organization = link("Organization", "phones")
    contact = link("Contact", "phones")
    service_at_location = link("ServiceAtLocation", "phones")
    number = models.TextField()
    extension = opt_number()
    type = opt_text()
    description = opt_text()

    def __str__(self) -> str:
        return self.number


class Schedule(HSDSModel):
    hsds_table = "schedule"

    class Weekday(models.TextChoices):
        MO = "MO", _("Monday")
        TU = "TU", _("Tuesday")
        WE = "WE", _("Wednesday")
        TH = "TH", _("Thursday")
        FR = "FR", _("Friday")
        SA = "SA", _("Saturday")
        SU = "SU", _("Sunday")

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    service = link("Service", "schedules")
    location = link("Location", "schedules")
    service_at_location = link("ServiceAtLocation", "schedules")
    valid_from = opt_text()
    valid_to = opt_text()
    dtstart = opt_text()
    timezone = opt_number()
    until = opt_text()
    count = opt_number()
    wkst = models.TextField(choices=Weekday.choices, null=True, blank=True)
    freq = models.TextField(choices=Frequency.choices, null=True, blank=True)
    interval = opt_number()
    byday = opt_text()
    byweekno = opt_text()
    bymonthday = opt_text()
    byyearday = opt_text()
    description = opt_text()
    opens_at = opt_text()
    closes_at = opt_text()
    schedule_link = opt_text()
    attending_type = opt_text()
    notes = opt_text()


class ServiceArea(HSDSModel):
    hsds_table = "service_area"
    service = link("Service", "service_areas")
    service_at_location = link("ServiceAtLocation", "service_areas")
    name = opt_text()
    description = opt_text()
    extent = opt_text()
    extent_type = opt_text()
    uri = opt_text()


class Language(HSDSModel):
    hsds_table = "language"
    service = link("Service", "languages")
    location = link("Location", "languages")
    phone = link("Phone", "languages")
    name = opt_text()
    code = opt_text()
    note = opt_text()

    class Meta:
        indexes = [models.Index(fields=["code"]), models.Index(Upper("code"), name="language_code_any_case")]


class Funding(HSDSModel):
    hsds_table = "funding"
    organization = link("Organization", "funding")
    service = link("Service", "funding")
    source = opt_text()


class CostOption(HSDSModel):
    hsds_table = "cost_option"
    service = link("Service", "cost_options")
    valid_from = opt_text()
    valid_to = opt_text()
    option = opt_text()
    currency = opt_text()
    amount = opt_number()
    amount_description = opt_text()


class RequiredDocument(HSDSModel):
    hsds_table = "required_document"
    service = link("Service", "required_documents")
    document = opt_text()
    uri = opt_text()


class Accessibility(HSDSModel):
    hsds_table = "accessibility"
    location = link("Location", "accessibility")
    description = opt_text()
    details = opt_text()
    url = opt_text()

    class Meta:
        verbose_name_plural = "accessibility"


class Url(HSDSModel):
    hsds_table = "url"
    organization = link("Organization", "additional_websites")
    service = link("Service", "additional_urls")
    label = opt_text()
    url = models.TextField()


class Unit(HSDSModel):
    hsds_table = "unit"
    name = models.TextField()
    scheme = opt_text()
    identifier = opt_text()
    uri = opt_text()


class ServiceCapacity(HSDSModel):
    hsds_table = "service_capacity"
    service = link("Service", "capacities")
    unit = link("Unit", "capacities")
    available = models.FloatField()
    maximum = opt_number()
    description = opt_text()
    updated = models.TextField()

    class Meta:
        verbose_name_plural = "service capacities"


class AttributeQuerySet(models.QuerySet["Attribute"]):
    def carepath(self) -> AttributeQuerySet:
        return self.filter(taxonomy_term__taxonomy_detail_id=TAXONOMY_ID)

    def waits(self) -> AttributeQuerySet:
        return self.filter(taxonomy_term__code=WAIT_DAYS)

    def of_services(self) -> AttributeQuerySet:
        """Attributes of services: ``link_entity`` must say so, as ``link_id`` alone could name a record of any
        table (an id another community's service has, given to an organization)."""
        return self.filter(link_entity="service")


class Attribute(HSDSModel):
    """A taxonomy term on any record (``link_entity`` names the table, ``link_id`` the record)."""

    hsds_table = "attribute"
    link_id = models.UUIDField(null=True, blank=True, db_index=True)
    taxonomy_term = link("TaxonomyTerm", "attributes")
    link_type = opt_text()
    link_entity = opt_text()
    value = opt_text()
    label = opt_text()
    objects = AttributeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.link_entity} {self.link_id}: {self.taxonomy_term_id} {self.value or ''}".strip()


class Metadata(HSDSModel):
    hsds_table = "metadata"
    resource_id = models.UUIDField(null=True, blank=True, db_index=True)
    resource_type = opt_text()
    last_action_date = models.TextField()
    last_action_type = models.TextField()
    field_name = models.TextField()
    previous_value = models.TextField()
    replacement_value = models.TextField()
    updated_by = models.TextField()

    class Meta:
        verbose_name_plural = "metadata"


class MetaTableDescription(HSDSModel):
    hsds_table = "meta_table_description"
    name = opt_text()
    language = opt_text()
    character_set = opt_text()


HSDS_MODELS: dict[str, type[HSDSModel]] = {
    model.hsds_table: model
    for model in (
        Taxonomy,
        TaxonomyTerm,
        Organization,
        OrganizationIdentifier,
        Program,
        Service,
        Location,
        ServiceAtLocation,
        Address,
        Contact,
        Phone,
        Schedule,
        ServiceArea,
        Language,
        Funding,
        CostOption,
        RequiredDocument,
        Accessibility,
        Url,
        Unit,
        ServiceCapacity,
        Attribute,
        Metadata,
        MetaTableDescription,
    )
}
