"""Alignment surveys: versioned instruments (data), an organization's survey, each person's answers and
the consensus agreed at a meeting."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carepath.practices import instruments


class Instrument(models.Model):
    """One version of a survey instrument. Its content is the loaded document and never changes; a new
    file with a higher version number makes a new instrument version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    document = models.JSONField(editable=False)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_version_unique")]

    def __str__(self) -> str:
        return f"{self.title_en} (v{self.version})"

    def title(self, language: str) -> str:
        return self.title_fr if language == "fr" else self.title_en

    @cached_property
    def layout(self) -> instruments.Layout:
        return instruments.layout(self.document)

    @cached_property
    def questions(self) -> dict[str, dict[str, Any]]:
        return {q["code"]: q for s in self.document["sections"] for i in s["items"] for q in i["questions"]}

    @cached_property
    def items(self) -> dict[str, dict[str, Any]]:
        return {i["code"]: i for s in self.document["sections"] for i in s["items"]}

    @property
    def scale(self) -> dict[str, Any]:
        scale: dict[str, Any] = self.document["scale"]
        return scale


class Survey(models.Model):
    """An organization's alignment survey: its people answer on their own, then agree a consensus."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for answers")
        COMPLETE = "complete", _("Consensus recorded")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="surveys")
    organization = models.ForeignKey(
        "practices.Organization", on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    meeting_on = models.DateField(_("consensus meeting"), null=True, blank=True)
    consensus_note = models.TextField(_("notes from the meeting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alignment survey")
        verbose_name_plural = _("alignment surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("practices:survey", kwargs={"pk": self.pk})


class Response(models.Model):
    """One person's own answers to a survey; saved as they go, then submitted."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "respondent__first_name", "respondent__username"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.respondent}"


class Answer(models.Model):
    """An answer to one question: a level, or not applicable, with the evidence for it. Without a response
    it is the survey's consensus answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=models.Q(response__isnull=False),
                name="one_answer_per_question",
            ),
            models.UniqueConstraint(
                fields=["survey", "question"],
                condition=models.Q(response__isnull=True),
                name="one_consensus_per_question",
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(not_applicable=False),
                name="level_or_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {'N/A' if self.not_applicable else self.level}"

    @property
    def value(self) -> int | None:
        """For scoring: the level, or None for not applicable."""
        return None if self.not_applicable else self.level
