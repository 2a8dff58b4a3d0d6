"""Reviewers' work on a practice: assignment, conflicts of interest, ratings, questions, the decision."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carepath.accounts.models import Actor, User

from .. import queries, rubric
from ..models import Assignment, Decision, Evidence, Practice, Rating, ReviewQuestion
from . import WorkflowError
from ._history import log

S = Practice.Status
MIN_REVIEWERS = 2


@transaction.atomic
def assign_reviewer(*, actor: Actor, practice: Practice, reviewer: User) -> Assignment:
    if practice.status not in (S.SCREENING, S.IN_REVIEW):
        raise WorkflowError(_("Reviewers are assigned during screening or review."))
    who = {"name": reviewer.get_full_name() or reviewer.username}
    if not reviewer.is_reviewer:
        raise WorkflowError(_("%(name)s is not a working-group reviewer.") % who)
    if practice.organizations.filter(members=reviewer).exists():
        raise WorkflowError(
            _("%(name)s belongs to an organization behind this practice and cannot review it.") % who
        )
    assignment, created = Assignment.objects.get_or_create(
        practice=practice, round=practice.review_round, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if not created:
        raise WorkflowError(_("%(name)s is already assigned.") % who)
    log(
        actor=actor,
        action="assign_reviewer",
        practice=practice,
        reviewer=reviewer.username,
        round=assignment.round,
    )
    return assignment


@transaction.atomic
def unassign_reviewer(*, actor: Actor, assignment: Assignment) -> None:
    if assignment.completed_at is not None:
        raise WorkflowError(
            _("A reviewer who has finished cannot be taken off; their ratings are on record.")
        )
    practice = assignment.practice
    username = assignment.reviewer.username
    assignment.delete()
    log(actor=actor, action="unassign_reviewer", practice=practice, reviewer=username)


@transaction.atomic
def declare_interests(*, actor: Actor, assignment: Assignment, has_conflict: bool, note: str) -> Assignment:
    """Before rating, a reviewer declares their interests; with a conflict they step aside."""
    if assignment.completed_at is not None:
        raise WorkflowError(_("Your review is finished; interests were declared before it."))
    if has_conflict and not note.strip():
        raise WorkflowError(_("Describe the conflict so the editors can assign someone else."))
    assignment.has_conflict = has_conflict
    assignment.conflict_note = note
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["has_conflict", "conflict_note", "declared_at"])
    log(actor=actor, action="declare_interests", practice=assignment.practice, conflict=has_conflict)
    return assignment


@transaction.atomic
def rate(
    *,
    actor: Actor,
    assignment: Assignment,
    ratings: Mapping[str, tuple[str, str, list[Evidence]]],
    finish: bool,
) -> Assignment:
    """Save a reviewer's ratings (criterion -> rating, comment, evidence); finishing needs every criterion."""
    practice = assignment.practice
    if practice.status != S.IN_REVIEW or assignment.round != practice.review_round:
        raise WorkflowError(_("This practice is not in review for this round."))
    if not assignment.can_rate:
        raise WorkflowError(_("Declare your interests first; a reviewer with a conflict does not rate."))
    if assignment.completed_at is not None:
        raise WorkflowError(_("Your review is finished and can no longer change."))
    criteria = {c.code for c in rubric.load().criteria(practice.indigenous)}
    unknown = sorted(set(ratings) - criteria)
    if unknown:
        raise WorkflowError(_("Unknown criteria: %(codes)s.") % {"codes": ", ".join(unknown)})
    for code, (value, comment, evidence) in ratings.items():
        if value not in rubric.RANK:
            raise WorkflowError(_("%(value)s is not a rating.") % {"value": value})
        if any(e.practice_id != practice.pk for e in evidence):
            raise WorkflowError(_("Evidence can only come from this practice."))
        rating, _created = Rating.objects.update_or_create(
            assignment=assignment, criterion=code, defaults={"rating": value, "comment": comment}
        )
        rating.evidence.set(evidence)
    if finish:
        missing = criteria - set(assignment.ratings.values_list("criterion", flat=True))
        if missing:
            raise WorkflowError(
                _("Rate every criterion before finishing; %(count)d left.") % {"count": len(missing)}
            )
        assignment.completed_at = timezone.now()
        assignment.save(update_fields=["completed_at"])
    log(
        actor=actor, action="finish_review" if finish else "rate", practice=practice, criteria=sorted(ratings)
    )
    return assignment


@transaction.atomic
def ask(*, actor: Actor, practice: Practice, text: str) -> ReviewQuestion:
    if practice.status not in (S.SCREENING, S.IN_REVIEW):
        raise WorkflowError(_("Questions are asked during screening or review."))
    if not text.strip():
        raise WorkflowError(_("Write the question."))
    question = ReviewQuestion.objects.create(practice=practice, asked_by=actor, text=text.strip())
    log(actor=actor, action="ask", practice=practice, question=question.pk)
    return question


@transaction.atomic
def answer(*, actor: Actor, question: ReviewQuestion, text: str) -> ReviewQuestion:
    if not text.strip():
        raise WorkflowError(_("Write the answer."))
    question.answer = text.strip()
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    log(actor=actor, action="answer", practice=question.practice, question=question.pk)
    return question


@transaction.atomic
def decide(
    *, actor: Actor, practice: Practice, agreed: Mapping[str, str], rationale_en: str, rationale_fr: str
) -> Decision:
    """The working group's decision: the agreed rating of every criterion goes through the rubric."""
    if practice.status != S.IN_REVIEW:
        raise WorkflowError(_("A decision is recorded when the review is done."))
    finished = queries.finished_reviews(practice)
    if len(finished) < MIN_REVIEWERS:
        raise WorkflowError(
            _("At least %(count)d reviewers without a conflict must finish before a decision.")
            % {"count": MIN_REVIEWERS}
        )
    grading = rubric.load()
    criteria = [c.code for c in grading.criteria(practice.indigenous)]
    missing = [c for c in criteria if agreed.get(c) not in rubric.RANK]
    if missing:
        raise WorkflowError(
            _("Give the agreed rating of every criterion; %(count)d left.") % {"count": len(missing)}
        )
    if not rationale_en.strip() or not rationale_fr.strip():
        raise WorkflowError(_("Write the rationale in English and in French; it is published with the tier."))
    result = rubric.grade(grading, agreed, indigenous=practice.indigenous)
    evidence = queries.evidence_by_criterion(finished)
    decision = Decision.objects.create(
        practice=practice,
        round=practice.review_round,
        tier=result.tier or "",
        ratings={c: {"rating": agreed[c], "evidence": evidence.get(c, [])} for c in criteria},
        grading_version=grading.version,
        rationale_en=rationale_en.strip(),
        rationale_fr=rationale_fr.strip(),
        decided_by=actor,
    )
    practice.tier = decision.tier
    practice.status = S.DECIDED
    practice.save(update_fields=["tier", "status", "updated_at"])
    log(actor=actor, action="decide", practice=practice, tier=decision.tier, decision=decision.pk)
    return decision


@transaction.atomic
def regrade(*, actor: Actor, practice: Practice, note: str) -> Practice:
    """Open a new review round; earlier decisions and ratings stay as the history."""
    if practice.status not in (S.DECIDED, S.PUBLISHED):
        raise WorkflowError(_("Only a decided or published practice can be re-graded."))
    if not note.strip():
        raise WorkflowError(_("Say why the practice is re-graded."))
    practice.review_round += 1
    practice.status = S.IN_REVIEW
    practice.save(update_fields=["review_round", "status", "updated_at"])
    log(actor=actor, action="regrade", practice=practice, round=practice.review_round, note=note)
    return practice
