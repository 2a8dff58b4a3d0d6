"""Case studies (long-form pages linked to practices) and the working group's own page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carepath.communities.models import slug_validator
from carepath.concurrency import revision_field
from carepath.validators import SafeURLValidator

from .practices import ApprovedContent, approved, bilingual


class CaseStudyQuerySet(models.QuerySet["CaseStudy"]):
    def public(self) -> CaseStudyQuerySet:
        """Published, and where the content is Indigenous, approved as it stands now."""
        return self.filter(approved(), status=CaseStudy.Status.PUBLISHED)


class CaseStudy(ApprovedContent, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("short name"), max_length=100, unique=True, validators=[slug_validator])
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    indigenous = models.BooleanField(_("about an Indigenous community or organization"), default=False)
    indigenous_community = models.CharField(
        _("community or organization that approves"), max_length=300, blank=True
    )
    practices = models.ManyToManyField("practices.Practice", blank=True, related_name="case_studies")
    digest = models.CharField(max_length=64, blank=True, editable=False)
    approved_digest = models.CharField(max_length=64, blank=True, editable=False)
    revision = revision_field()  # moves when the content is replaced (carepath.concurrency)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:case-study", kwargs={"slug": self.slug})

    def content(self) -> dict[str, Any]:
        """Everything a community approves, so an approval covers exactly what it saw."""
        return {
            "title": bilingual(self, "title"),
            "summary": bilingual(self, "summary"),
            "sections": [
                {
                    "heading": bilingual(s, "heading"),
                    "body": bilingual(s, "body"),
                    "figures": s.figures,
                }
                for s in self.sections.order_by("position")
            ]
            if self.pk
            else [],
        }


class CaseStudySection(models.Model):
    """A section: a heading, paragraphs (a blank line between them; lines starting "- " make a list), and
    figures given as tables (caption, column headings, rows, the source they draw on)."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(_("text"))
    figures = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("case study section")
        verbose_name_plural = _("case study sections")
        ordering = ["case_study", "position"]

    def __str__(self) -> str:
        return self.heading


class CaseStudySource(models.Model):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True, validators=[SafeURLValidator()])

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["case_study", "position"]

    def __str__(self) -> str:
        return self.title


class RegistryPage(models.Model):
    """The working group's page: its purpose, partners and sponsors (one row, edited by editors)."""

    purpose = models.TextField(_("purpose"))
    partners = models.TextField(_("partners"), blank=True)
    sponsors = models.TextField(_("sponsors"), blank=True)
    contact = models.EmailField(_("contact email"), blank=True)
    revision = revision_field()  # moves with every save (carepath.concurrency)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("working group page")
        verbose_name_plural = _("working group page")

    def __str__(self) -> str:
        return "Working group"
