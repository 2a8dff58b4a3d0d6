"""Communities and their service inventory: the services a community table has mapped, with local notes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carepath import concurrency

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lowercase letters, digits and single hyphens, e.g. north-shore.")
)


class Community(models.Model):
    slug = models.SlugField(_("short name"), max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revision = concurrency.revision_field()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})


class Place(models.Model):
    """A named town or settlement that families can pick as where they live."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town")
        RURAL = "rural", _("Rural area")
        FIRST_NATION = "first-nation", _("First Nation")
        REMOTE = "remote", _("Remote community")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="places")
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOWN)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "key"], name="place_key_unique_in_community")
        ]

    def __str__(self) -> str:
        return self.name


class InventoryEntryQuerySet(models.QuerySet["InventoryEntry"]):
    def published(self) -> InventoryEntryQuerySet:
        """Entries published here, whose service its steward publishes too: a community lists another's
        service only while that community (or the site) publishes it."""
        by_steward = InventoryEntry.objects.filter(
            service_id=models.OuterRef("service_id"),
            community_id=models.OuterRef("service__steward_id"),
            published=True,
        )
        return self.filter(published=True).filter(
            models.Q(service__steward_id=models.F("community_id"))
            | models.Q(service__steward__isnull=True)
            | models.Exists(by_steward)
        )

    def visible_to(self, user: Any, community: Community) -> InventoryEntryQuerySet:
        entries = self.filter(community=community)
        return entries if user.has_perm("communities.view_unpublished", community) else entries.published()


class InventoryEntry(models.Model):
    """A service the community table has mapped into its inventory, with how to reach it locally."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="entries")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="inventory_entries"
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Published services are listed for everyone to see.")
    )
    referral_notes = models.TextField(_("how to refer here"), blank=True)
    local_contact = models.CharField(_("local contact"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # carepath.concurrency; a database default, because imports add entries straight into the table.
    revision = models.PositiveIntegerField(_("revision"), default=0, db_default=0, editable=False)

    objects = InventoryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventory entry")
        verbose_name_plural = _("inventory entries")
        constraints = [
            models.UniqueConstraint(fields=["community", "service"], name="service_once_per_inventory")
        ]
        # Published entries by service: which services are public, read in step with the services' stewards.
        indexes = [
            models.Index(
                fields=["service", "community"], condition=models.Q(published=True), name="entry_published"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community}: {self.service}"


class ListingReportQuerySet(models.QuerySet["ListingReport"]):
    def open(self) -> ListingReportQuerySet:
        return self.filter(resolved_at__isnull=True)

    def resolved(self) -> ListingReportQuerySet:
        return self.filter(resolved_at__isnull=False)

    def kept_by(self, steward: Community | None) -> ListingReportQuerySet:
        """Reports about the listings a community keeps; None: those the site keeps."""
        return self.filter(steward__isnull=True) if steward is None else self.filter(steward=steward)


class ListingReport(models.Model):
    """Someone said a service's listing is wrong (a phone, the hours...). It goes to the service's steward,
    who keeps the listing: that community's facilitators, or the site administrators for what the site keeps."""

    class Kind(models.TextChoices):
        PHONE = "wrong-phone", _("The phone number is wrong")
        HOURS = "wrong-hours", _("The hours are wrong")
        CLOSED = "closed-or-moved", _("The service has closed or moved")
        ELIGIBILITY = "wrong-eligibility", _("Who it is for is wrong")
        OTHER = "other", _("Something else")

    TEXT_MAX = 2000

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="listing_reports",
    )
    service_name = models.CharField(_("service name"), max_length=500)
    steward = models.ForeignKey(
        Community,
        verbose_name=_("steward"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="listing_reports",
        help_text=_("The community that keeps the listing; none: the site."),
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("reported from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The community whose page the report was sent from."),
    )
    kind = models.CharField(_("what is wrong"), max_length=30, choices=Kind.choices)
    text = models.TextField(_("details"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    reply_email = models.EmailField(_("email for an answer"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ListingReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing report")
        verbose_name_plural = _("listing reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.service_name}: {self.kind}"
