"""Reusable reads for the practice registry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from carepath.models import AuditEntry

from . import rubric, scoring
from .models import Answer, Assignment, Instrument, Practice, Rating, RegistryPage, Response, Survey


def practice_at(slug: str) -> Practice:
    """The practice a page's URL names (404 for none): what ``permission_required`` checks on."""
    return get_object_or_404(Practice.objects.select_related("instrument"), slug=slug)


def survey_at(pk: int) -> Survey:
    """The survey a page's URL names (404 for none)."""
    return get_object_or_404(Survey.objects.select_related("organization", "instrument"), pk=pk)


def current_instrument(code: str = "ipchs") -> Instrument | None:
    """The newest version of an instrument; new surveys and practices use it."""
    return Instrument.objects.filter(code=code).order_by("-version").first()


def finished_reviews(practice: Practice) -> list[Assignment]:
    """The current round's finished reviews by reviewers without a conflict, with their ratings."""
    return list(
        practice.assignments.filter(
            round=practice.review_round, has_conflict=False, completed_at__isnull=False
        )
        .select_related("reviewer")
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.prefetch_related("evidence")))
    )


def ratings_by_criterion(reviews: list[Assignment]) -> dict[str, list[Rating]]:
    out: dict[str, list[Rating]] = defaultdict(list)
    for review in reviews:
        for rating in review.ratings.all():
            out[rating.criterion].append(rating)
    return out


def evidence_by_criterion(reviews: list[Assignment]) -> dict[str, list[int]]:
    """For each criterion, the evidence items the reviewers rested their ratings on."""
    return {
        code: sorted({e.pk for r in ratings for e in r.evidence.all()})
        for code, ratings in ratings_by_criterion(reviews).items()
    }


def suggested_agreement(practice: Practice, reviews: list[Assignment]) -> dict[str, str | None]:
    """Where every finished reviewer gave a criterion the same rating, that rating; None where they differ."""
    by_code = ratings_by_criterion(reviews)
    return {
        c.code: rubric.agreed([r.rating for r in by_code.get(c.code, [])])
        for c in rubric.load().criteria(practice.indigenous)
    }


def answers_of(response: Response) -> dict[str, Answer]:
    """A person's answers by question code."""
    return {a.question: a for a in response.answers.all()}


def consensus_of(survey: Survey) -> dict[str, Answer]:
    """The answers agreed at the consensus meeting, by question code."""
    return {a.question: a for a in survey.answers.filter(response__isnull=True)}


def values(answers: dict[str, Answer]) -> dict[str, int | None]:
    """For scoring: answered questions only (a level, or None for not applicable)."""
    return {q: a.value for q, a in answers.items() if a.level is not None or a.not_applicable}


def survey_scores(survey: Survey) -> scoring.Scores:
    return scoring.score(survey.instrument.layout, values(consensus_of(survey)))


def registry_average(instrument: Instrument, *, exclude: Survey | None = None) -> tuple[scoring.Scores, int]:
    """The mean of every completed survey's consensus scores on this instrument version, and how many."""
    surveys = Survey.objects.filter(instrument=instrument, status=Survey.Status.COMPLETE)
    if exclude is not None:
        surveys = surveys.exclude(pk=exclude.pk)
    by_survey: dict[int, dict[str, int | None]] = defaultdict(dict)
    for answer in Answer.objects.filter(survey__in=surveys, response__isnull=True):
        if answer.level is not None or answer.not_applicable:
            by_survey[answer.survey_id][answer.question] = answer.value
    many = [scoring.score(instrument.layout, answers) for answers in by_survey.values()]
    return scoring.average(instrument.layout, many), len(many)


def registry_filters(queryset: QuerySet[Practice], params: dict[str, Any]) -> QuerySet[Practice]:
    """The public registry's filters: words, dimension, setting, population, jurisdiction, tier, strategy."""
    words = (params.get("q") or "").strip()
    if words:
        for word in words.split()[:8]:
            queryset = queryset.filter(
                Q(name_en__icontains=word)
                | Q(name_fr__icontains=word)
                | Q(summary_en__icontains=word)
                | Q(summary_fr__icontains=word)
                | Q(organizations__name_en__icontains=word)
                | Q(organizations__name_fr__icontains=word)
            )
    for tag in ("dimension", "setting", "population", "jurisdiction", "strategy"):
        code = (params.get(tag) or "").strip()
        if code:
            queryset = queryset.filter(tags__contains=f" {tag}:{code} ")
    tier = (params.get("tier") or "").strip()
    if tier:
        queryset = queryset.filter(tier=tier)
    return queryset.distinct() if words else queryset


def missing_for_submission(practice: Practice) -> list[str]:
    """What a practice needs before it can be submitted, in words for the submitter."""
    missing = []
    for field, name in (
        ("name", _("the name")),
        ("summary", _("the summary")),
        ("core_components", _("the core components")),
        ("outcomes", _("the outcomes")),
    ):
        for lang in ("en", "fr"):
            if not (getattr(practice, f"{field}_{lang}") or "").strip():
                in_language = _("%(what)s in English") if lang == "en" else _("%(what)s in French")
                missing.append(in_language % {"what": name})
    if not practice.jurisdictions:
        missing.append(_("a province or territory"))
    if not practice.dimensions:
        missing.append(_("at least one integration dimension"))
    if not practice.evidence.exists():
        missing.append(_("at least one evidence item"))
    if practice.indigenous and not practice.indigenous_community.strip():
        missing.append(_("the Indigenous community or organization whose approval is needed"))
    return missing


def unanswered(survey: Survey, answers: Iterable[Answer]) -> list[str]:
    done = {a.question for a in answers if a.level is not None or a.not_applicable}
    return [q for q in survey.instrument.layout.questions if q not in done]


def registry_page() -> RegistryPage:
    page = RegistryPage.objects.first()
    return page if page is not None else RegistryPage()


def history_of(practice: Practice) -> QuerySet[AuditEntry]:
    """Every change to a practice and its review, newest first, with who made it."""
    return AuditEntry.objects.filter(
        target_type=Practice._meta.label_lower, target_id=str(practice.pk)
    ).select_related("actor")
