"""A community's care pathway and its versions (draft, in review, published, retired)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carepath.concurrency import revision_field

from .describe import KIND_LABELS, STAGE_LABELS


class Pathway(models.Model):
    """A community's pathway; its content lives in versions. A published version never changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="pathways")
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["community", "created_at"]

    def __str__(self) -> str:
        return f"{self.community}: {self.source or self.id}"

    def published(self) -> PathwayVersion | None:
        return self.versions.filter(status=PathwayVersion.Status.PUBLISHED).first()


class PathwayVersionQuerySet(models.QuerySet["PathwayVersion"]):
    def published(self) -> PathwayVersionQuerySet:
        return self.filter(status=PathwayVersion.Status.PUBLISHED)


PUBLISH_REASON_MAX = 1000  # characters: a reason for publishing without review is a few sentences


class Publication(models.TextChoices):
    """How a version was published: after a complete review, without one (a facilitator's reason), or as the
    Ontario template a new community starts with (``create-community``)."""

    REVIEWED = "reviewed", _("Reviewed and approved")
    WITHOUT_REVIEW = "without-review", _("Published without review")
    TEMPLATE = "template", _("Published from the Ontario template")


class PathwayVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in-review", _("In review")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # How it came to be published (``services.publish``): blank before it was, and for versions published before
    # publishing needed a review.
    publication = models.CharField(
        _("publication"), max_length=20, choices=Publication.choices, blank=True, editable=False
    )
    publish_reason = models.CharField(
        _("reason for publishing without review"), max_length=PUBLISH_REASON_MAX, blank=True, editable=False
    )
    # The revision of the Ontario template the version follows (``documents.TEMPLATE_REVISION`` when it was
    # started from it; a version's own when started from that version); blank for a pathway of its own.
    template_revision = models.CharField(_("template revision"), max_length=40, blank=True)
    revision = revision_field()

    objects = PathwayVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("pathway version")
        verbose_name_plural = _("pathway versions")
        ordering = ["pathway", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["pathway"], condition=models.Q(status="published"), name="one_published_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number} ({self.get_status_display()})"

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Step(models.Model):
    version = models.ForeignKey(PathwayVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(_("key"), max_length=80)
    stage = models.CharField(_("stage"), max_length=20, choices=list(STAGE_LABELS.items()))
    kind = models.CharField(_("kind"), max_length=20, choices=list(KIND_LABELS.items()))
    entry = models.BooleanField(_("families start here"), default=False)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("what happens, for families"), blank=True)
    service_types = models.JSONField(_("service types"), default=list, blank=True)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    concerns = models.JSONField(_("concerns"), default=list, blank=True)
    sectors = models.JSONField(_("sectors responsible"), default=list, blank=True)
    age_min = models.PositiveSmallIntegerField(_("from age (months)"), default=0)
    age_max = models.PositiveSmallIntegerField(_("to age (months)"), default=83)
    target_days = models.PositiveIntegerField(_("target days to service"), null=True, blank=True)
    links = models.JSONField(_("evidence and resources"), default=list, blank=True)
    revision = revision_field()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="step_key_unique_in_version")]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class Transition(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="transitions")
    position = models.PositiveIntegerField(default=0)
    to_key = models.SlugField(_("next step"), max_length=80)
    otherwise = models.BooleanField(_("otherwise"), default=False)
    label = models.CharField(_("label"), max_length=300, blank=True)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    revision = revision_field()

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["step", "position", "id"]

    def __str__(self) -> str:
        return f"{self.step.key} → {self.to_key}"


# What the editor changes of a draft itself, of a step and of a transition: their forms and drafts.save_details,
# save_step and save_transition write these fields, and no others.
VERSION_FIELDS = ("title_en", "title_fr", "description_en", "description_fr")
STEP_FIELDS = (
    "key",
    "stage",
    "kind",
    "entry",
    "title_en",
    "title_fr",
    "text_en",
    "text_fr",
    "age_min",
    "age_max",
    "target_days",
    "service_types",
    "tiers",
    "concerns",
    "sectors",
)
TRANSITION_FIELDS = ("to_key", "otherwise", "criteria", "label_en", "label_fr")


class Review(models.Model):
    """A review round on a version: invited people comment on steps, named approvers approve."""

    version = models.ForeignKey(PathwayVersion, on_delete=models.CASCADE, related_name="reviews")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to reviewers"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.version} review ({self.opened_at:%Y-%m-%d})"

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def deadline_passed(self, now: datetime.datetime | None = None) -> bool:
        """Whether the deadline day has ended, in the site's time zone (comments are taken all that day)."""
        today = timezone.localdate(now or timezone.now(), timezone.get_default_timezone())
        return today > self.deadline

    def accepts_comments(self, now: datetime.datetime | None = None) -> bool:
        """Comments and approvals are taken while the review is open and its deadline day has not ended."""
        return self.open and not self.deadline_passed(now)


class Invitation(models.Model):
    """A private link to a review: whoever holds it may comment (and approve, for approvers)."""

    class Role(models.TextChoices):
        COMMENTER = "commenter", _("Comments")
        APPROVER = "approver", _("Comments and approves")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="invitations")
    # The SHA-256 of the link's token (carepath.tokens); the token itself is shown once and never stored.
    # None once the review has ended and ``carepath purge-expired`` has removed its links.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COMMENTER)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")
        ordering = ["review", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Comment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    # The step commented on (blank: the pathway as a whole), and the transition out of it (its next step) when
    # the comment is about the way on rather than the step.
    step_key = models.SlugField(_("step"), max_length=80, blank=True)
    to_key = models.SlugField(_("next step"), max_length=80, blank=True)
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author_name = models.CharField(_("author"), max_length=200)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["review", "step_key", "created_at"]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.step_key}"


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def open(self) -> FeedbackQuerySet:
        return self.filter(resolved_at__isnull=True)

    def resolved(self) -> FeedbackQuerySet:
        return self.filter(resolved_at__isnull=False)


class Feedback(models.Model):
    """What a reader (a provider, a family) says about the published pathway or one of its steps, with no
    account; the table's facilitators read it and say what they did."""

    TEXT_MAX = 2000

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="feedback")
    version_number = models.PositiveIntegerField(_("version"))
    step_key = models.SlugField(_("step"), max_length=80, blank=True)  # blank: the pathway as a whole
    step_title = models.CharField(_("step title"), max_length=300, blank=True)  # as the reader saw it
    text = models.TextField(_("feedback"), max_length=TEXT_MAX)
    reply_email = models.EmailField(_("e-mail for an answer"), blank=True)
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("what the table did"), blank=True, max_length=TEXT_MAX)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("pathway feedback")
        verbose_name_plural = _("pathway feedback")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pathway", "resolved_at"], name="feedback_open")]

    def __str__(self) -> str:
        return f"{self.pathway}: {self.step_key or 'pathway'} ({self.created_at:%Y-%m-%d})"
