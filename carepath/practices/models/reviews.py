"""Verification and grading: reviewer assignments with conflicts of interest, ratings against the criteria,
questions to the submitter, and decisions (each re-grading adds one; the history stays)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .practices import Practice


class Assignment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="assignments")
    round = models.PositiveSmallIntegerField(default=1)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    has_conflict = models.BooleanField(_("I have a conflict of interest"), default=False)
    conflict_note = models.TextField(_("interests to declare"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["practice", "round", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "round", "reviewer"], name="one_assignment_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.practice} · {self.reviewer} (round {self.round})"

    @property
    def can_rate(self) -> bool:
        return self.declared_at is not None and not self.has_conflict


class Rating(models.Model):
    """One reviewer's rating of one criterion, with a comment and the evidence it rests on."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.CharField(max_length=40)
    rating = models.CharField(max_length=10)
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.ManyToManyField("practices.Evidence", blank=True, related_name="ratings")

    class Meta:
        verbose_name = _("criterion rating")
        verbose_name_plural = _("criterion ratings")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_rating_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.rating}"


class ReviewQuestion(models.Model):
    """A reviewer's question to the people who submitted the practice, and their answer."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question to the submitter")
        verbose_name_plural = _("questions to the submitter")
        ordering = ["practice", "asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Decision(models.Model):
    """The working group's decision on one review round: the agreed ratings, what the rubric made of them,
    and why. Re-grading adds a decision; earlier ones stay as the history."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    tier = models.CharField(_("tier"), max_length=20, choices=Practice.Tier.choices, blank=True)
    ratings = models.JSONField(default=dict)  # criterion -> {"rating": ..., "evidence": [ids]}
    grading_version = models.PositiveSmallIntegerField()
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["practice", "-decided_at", "-pk"]
        get_latest_by = "decided_at"

    def __str__(self) -> str:
        return f"{self.practice}: {self.tier or '-'} (round {self.round})"
