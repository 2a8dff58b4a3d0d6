"""Organizations, the practices they submit, the evidence behind them, and community approvals (OCAP)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings as conf
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carepath.communities.models import slug_validator
from carepath.concurrency import revision_field
from carepath.validators import SafeURLValidator

TRANSLATED = (
    "name",
    "summary",
    "description",
    "conditions",
    "core_components",
    "adaptable_components",
    "outcomes",
)
# The practice fields a community's approval can mark restricted: never shown publicly.
RESTRICTABLE = (
    "description",
    "conditions",
    "core_components",
    "adaptable_components",
    "outcomes",
    "contacts",
    "region",
    "evidence",
)


def bilingual(obj: Any, field: str) -> dict[str, str]:
    """A translated field as {"en": ..., "fr": ...}."""
    return {lang: getattr(obj, f"{field}_{lang}") or "" for lang in ("en", "fr")}


def approved() -> models.Q:
    """Content that is not about an Indigenous community, or that its community approved as it stands now."""
    return models.Q(indigenous=False) | models.Q(approved_digest=models.F("digest"), digest__gt="")


class ApprovedContent:
    """What practices and case studies share under OCAP: their content has a digest, and an approval records
    the digest it saw, so any later change needs a new approval before the content shows publicly.
    The model gives ``indigenous``, ``status``, ``digest``, ``approved_digest`` and ``content()``."""

    indigenous: bool
    status: str
    digest: str
    approved_digest: str

    def content(self) -> dict[str, Any]:
        raise NotImplementedError

    def compute_digest(self) -> str:
        payload = json.dumps(self.content(), sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(payload).hexdigest()

    @property
    def approval_current(self) -> bool:
        return not self.indigenous or (bool(self.digest) and self.approved_digest == self.digest)

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.approval_current


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def led_by(self, user: Any) -> OrganizationQuerySet:
        """The organizations ``user`` is a lead of (leads run its surveys and record the consensus)."""
        return self.filter(memberships__user=user, memberships__role=OrganizationMember.Role.LEAD)


class Organization(models.Model):
    """An organization behind practices and surveys; its members submit and answer for it."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30)
    indigenous_governed = models.BooleanField(_("Indigenous-governed"), default=False)
    jurisdiction = models.CharField(_("province or territory"), max_length=2)
    region = models.CharField(_("region"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True, validators=[SafeURLValidator()])
    members = models.ManyToManyField(
        conf.AUTH_USER_MODEL, through="OrganizationMember", related_name="practice_organizations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (runs surveys, records the consensus)")
        MEMBER = "member", _("Member")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        conf.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("organization member")
        verbose_name_plural = _("organization members")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_role_per_organization")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"


class PracticeQuerySet(models.QuerySet["Practice"]):
    def public(self) -> PracticeQuerySet:
        """Published, and where the content is Indigenous, approved as it stands now."""
        return self.filter(approved(), status=Practice.Status.PUBLISHED)

    def of_user(self, user: Any) -> PracticeQuerySet:
        """What a signed-in person may open besides the public ones: their organizations' practices and
        those they are assigned to review (editors see all)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_active and user.working_group_role == "editor":
            return self.all()
        return self.filter(
            models.Q(organizations__members=user) | models.Q(assignments__reviewer=user)
        ).distinct()


class Practice(ApprovedContent, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        IN_REVIEW = "in-review", _("In review")
        DECIDED = "decided", _("Decided")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Tier(models.TextChoices):
        NONE = "", _("Not graded")
        PROMISING = "promising", _("Promising practice")
        GOOD = "good", _("Good practice")
        BEST = "best", _("Best practice")

    slug = models.SlugField(_("short name"), max_length=100, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=300)
    summary = models.TextField(_("summary"))
    description = models.TextField(_("how it works"), blank=True)
    organizations = models.ManyToManyField(
        Organization, related_name="practices", verbose_name=_("organizations")
    )
    jurisdictions = models.JSONField(_("provinces and territories"), default=list)
    region = models.CharField(_("region"), max_length=300, blank=True)
    settings = models.JSONField(_("settings"), default=list, blank=True)
    populations = models.JSONField(_("populations served"), default=list, blank=True)
    dimensions = models.JSONField(_("integration dimensions"), default=list)
    conditions = models.TextField(_("conditions addressed, if any"), blank=True)
    core_components = models.TextField(_("core components"), blank=True)
    adaptable_components = models.TextField(_("adaptable components"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    instrument = models.ForeignKey(
        "practices.Instrument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approaches = models.JSONField(_("IPCHS approaches it embodies"), default=list, blank=True)
    survey = models.ForeignKey(
        "practices.Survey", null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    indigenous = models.BooleanField(
        _("about an Indigenous community or organization"),
        default=False,
        help_text=_("Then it is published only with that community's recorded approval."),
    )
    indigenous_community = models.CharField(
        _("community or organization that approves"), max_length=300, blank=True
    )
    restricted_fields = models.JSONField(_("restricted fields"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True, default="")
    review_round = models.PositiveSmallIntegerField(default=1)
    # Moves with every change to the content (what the digest covers), so an edit form or an approval made
    # on content that changed since it was opened is refused (carepath.concurrency).
    revision = revision_field()
    digest = models.CharField(max_length=64, blank=True, editable=False)
    approved_digest = models.CharField(max_length=64, blank=True, editable=False)
    # " dimension:equity setting:rural strategy:4 ... ", kept by save() for the registry's filters (a JSON
    # containment lookup is not available on SQLite).
    tags = models.TextField(blank=True, editable=False)
    submitted_by = models.ForeignKey(
        conf.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.tags = self.compute_tags()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "tags"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", kwargs={"slug": self.slug})

    def latest_decision(self) -> Any:
        """The decision the practice's tier comes from (re-grading adds decisions; the last one counts)."""
        return self.decisions.order_by("-decided_at", "-pk").first()

    def compute_tags(self) -> str:
        strategies = sorted({code.split(".")[0] for code in self.approaches})
        pairs = [
            *(f"dimension:{c}" for c in self.dimensions),
            *(f"setting:{c}" for c in self.settings),
            *(f"population:{c}" for c in self.populations),
            *(f"jurisdiction:{c}" for c in self.jurisdictions),
            *(f"strategy:{c}" for c in strategies),
        ]
        return f" {' '.join(pairs)} " if pairs else ""

    def content(self) -> dict[str, Any]:
        """Everything a community approves, so an approval covers exactly what it saw."""
        text = {field: bilingual(self, field) for field in TRANSLATED}
        return {
            **text,
            "contacts": self.contacts,
            "region": self.region,
            "jurisdictions": self.jurisdictions,
            "settings": self.settings,
            "populations": self.populations,
            "dimensions": self.dimensions,
            "approaches": self.approaches,
            "restricted_fields": sorted(self.restricted_fields),
            "organizations": sorted(self.organizations.values_list("slug", flat=True)) if self.pk else [],
            "evidence": [e.content() for e in self.evidence.order_by("pk")] if self.pk else [],
        }

    def shows(self, field: str) -> bool:
        """Whether a field may be shown to the public."""
        return field not in self.restricted_fields


class Evidence(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("type"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("link"), max_length=500, blank=True, validators=[SafeURLValidator()])
    date = models.DateField(_("date"), null=True, blank=True)
    summary = models.TextField(_("what it shows"), blank=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence")
        ordering = ["practice", "-date", "pk"]

    def __str__(self) -> str:
        return self.title

    def content(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "summary": bilingual(self, "summary"),
        }


class Approval(models.Model):
    """A community's recorded approval to publish content about it: who, when, and what was approved."""

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="approvals"
    )
    case_study = models.ForeignKey(
        "practices.CaseStudy", null=True, blank=True, on_delete=models.CASCADE, related_name="approvals"
    )
    community = models.CharField(_("community or organization"), max_length=300)
    approver_name = models.CharField(_("approved by"), max_length=200)
    approver_role = models.CharField(_("their role"), max_length=200)
    approved_on = models.DateField(_("approved on"))
    scope = models.TextField(_("what was approved"))
    restricted_fields = models.JSONField(_("fields kept private"), default=list, blank=True)
    digest = models.CharField(max_length=64, editable=False)
    recorded_by = models.ForeignKey(
        conf.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community approval")
        verbose_name_plural = _("community approvals")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(practice__isnull=False, case_study__isnull=True)
                | models.Q(practice__isnull=True, case_study__isnull=False),
                name="approval_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.community}: {self.approver_name} ({self.approved_on})"
