"""The practice workflow: each step, what blocks it, the audit trail, and OCAP approval."""

from __future__ import annotations

import datetime

import pytest

from carepath.models import AuditEntry
from carepath.practices.models import Practice
from carepath.practices.services import WorkflowError, practices, reviews

from .conftest import criteria

pytestmark = pytest.mark.django_db


def approval_data(**extra):
    return {
        "community": "Northern Lights",
        "approver_name": "Dana Whitecloud",
        "approver_role": "Executive Director",
        "approved_on": datetime.date(2026, 11, 1),
        "scope": "The practice page as shown on 1 November.",
        **extra,
    }


def test_a_practice_goes_from_draft_to_published_and_every_step_is_in_the_audit_log(
    make_practice, editor, reviewers
):
    practice = make_practice("published", reviewers=reviewers, editor=editor)
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.tier == "best"
    actions = list(
        AuditEntry.objects.filter(target_type="practices.practice", target_id=str(practice.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "practices.create",
        "practices.add_evidence",
        "practices.submit",
        "practices.start_screening",
        "practices.screen",
        "practices.assign_reviewer",
        "practices.declare_interests",
        "practices.finish_review",
        "practices.assign_reviewer",
        "practices.declare_interests",
        "practices.finish_review",
        "practices.decide",
        "practices.publish",
    ]
    assert Practice.objects.public().get() == practice


def test_submitting_lists_everything_missing(organization, lead, ipchs):
    practice = practices.create_practice(
        actor=lead,
        organizations=[organization],
        data={"slug": "thin", "name_en": "Thin", "summary_en": "S", "instrument": ipchs},
    )
    with pytest.raises(WorkflowError) as error:
        practices.submit(actor=lead, practice=practice)
    message = error.value.messages[0]
    for missing in (
        "the name in French",
        "the core components in English",
        "a province or territory",
        "at least one evidence item",
    ):
        assert missing in message
    assert Practice.objects.get(pk=practice.pk).status == "draft"


def test_steps_out_of_order_are_refused_and_change_nothing(make_practice, editor):
    practice = make_practice("draft")
    for step in (
        lambda: practices.start_screening(actor=editor, practice=practice),
        lambda: practices.publish(actor=editor, practice=practice),
        lambda: reviews.regrade(actor=editor, practice=practice, note="x"),
    ):
        with pytest.raises(WorkflowError):
            step()
    assert Practice.objects.get(pk=practice.pk).status == "draft"


def test_screening_can_return_the_practice_with_the_reasons(make_practice, editor):
    practice = make_practice("screening", editor=editor)
    with pytest.raises(WorkflowError, match="Say why"):
        practices.screen(actor=editor, practice=practice, accept=False, note=" ")
    practices.screen(actor=editor, practice=practice, accept=False, note="Add the evaluation report.")
    assert practice.status == "draft"
    entry = AuditEntry.objects.filter(action="practices.screen").get()
    assert entry.data == {"status": "draft", "accepted": False, "note": "Add the evaluation report."}


def test_a_reviewer_from_the_practices_organization_cannot_be_assigned(make_practice, editor, lead):
    practice = make_practice("screening", editor=editor)
    lead.working_group_role = "reviewer"
    lead.save()
    with pytest.raises(WorkflowError, match="belongs to an organization behind this practice"):
        reviews.assign_reviewer(actor=editor, practice=practice, reviewer=lead)


def test_only_working_group_reviewers_are_assigned_and_only_once(make_practice, editor, reviewers, staff):
    practice = make_practice("screening", editor=editor)
    with pytest.raises(WorkflowError, match="not a working-group reviewer"):
        reviews.assign_reviewer(actor=editor, practice=practice, reviewer=staff)
    reviews.assign_reviewer(actor=editor, practice=practice, reviewer=reviewers[0])
    with pytest.raises(WorkflowError, match="already assigned"):
        reviews.assign_reviewer(actor=editor, practice=practice, reviewer=reviewers[0])


def test_a_reviewer_declares_interests_before_rating_and_a_conflict_stops_them(
    make_practice, editor, reviewers
):
    practice = make_practice("in-review", reviewers=reviewers, editor=editor)
    first = practice.assignments.order_by("pk").first()
    with pytest.raises(WorkflowError, match="Declare your interests first"):
        reviews.rate(
            actor=reviewers[0], assignment=first, ratings={"cbpp-population": ("met", "", [])}, finish=False
        )
    with pytest.raises(WorkflowError, match="Describe the conflict"):
        reviews.declare_interests(actor=reviewers[0], assignment=first, has_conflict=True, note="")
    reviews.declare_interests(actor=reviewers[0], assignment=first, has_conflict=True, note="I advised them.")
    with pytest.raises(WorkflowError, match="Declare your interests first"):
        reviews.rate(
            actor=reviewers[0], assignment=first, ratings={"cbpp-population": ("met", "", [])}, finish=False
        )


def test_finishing_a_review_needs_every_criterion_and_then_freezes_it(make_practice, editor, reviewers):
    practice = make_practice("in-review", reviewers=reviewers[:1], editor=editor)
    assignment = practice.assignments.get()
    reviews.declare_interests(actor=reviewers[0], assignment=assignment, has_conflict=False, note="")
    with pytest.raises(WorkflowError, match="Rate every criterion before finishing; 11 left"):
        reviews.rate(
            actor=reviewers[0],
            assignment=assignment,
            ratings={"cbpp-population": ("met", "", [])},
            finish=True,
        )
    assert assignment.ratings.count() == 0  # the failed call wrote nothing
    reviews.rate(
        actor=reviewers[0],
        assignment=assignment,
        ratings=dict.fromkeys(criteria(practice), ("partly", "", [])),
        finish=True,
    )
    with pytest.raises(WorkflowError, match="finished"):
        reviews.rate(
            actor=reviewers[0],
            assignment=assignment,
            ratings={"cbpp-population": ("met", "", [])},
            finish=False,
        )


def test_ratings_refuse_unknown_criteria_ratings_and_other_practices_evidence(
    make_practice, editor, reviewers
):
    practice = make_practice("in-review", reviewers=reviewers[:1], editor=editor)
    other = make_practice("draft", slug="other")
    assignment = practice.assignments.get()
    reviews.declare_interests(actor=reviewers[0], assignment=assignment, has_conflict=False, note="")
    for ratings, message in (
        ({"awtt-culture": ("met", "", [])}, "Unknown criteria: awtt-culture"),
        ({"cbpp-population": ("great", "", [])}, "great is not a rating"),
        (
            {"cbpp-population": ("met", "", list(other.evidence.all()))},
            "Evidence can only come from this practice",
        ),
    ):
        with pytest.raises(WorkflowError, match=message):
            reviews.rate(actor=reviewers[0], assignment=assignment, ratings=ratings, finish=False)


def test_a_decision_needs_two_finished_reviews_and_records_the_rubric_with_the_evidence(
    make_practice, editor, reviewers
):
    practice = make_practice("in-review", reviewers=reviewers[:1], editor=editor)
    with pytest.raises(WorkflowError, match="At least 2 reviewers"):
        reviews.decide(actor=editor, practice=practice, agreed={}, rationale_en="x", rationale_fr="x")
    practice = make_practice("decided", reviewers=reviewers, editor=editor, slug="graded", ratings="partly")
    decision = practice.decisions.get()
    evidence = practice.evidence.get()
    assert decision.tier == "" and practice.tier == ""
    assert decision.ratings["cbpp-evidence"] == {"rating": "partly", "evidence": [evidence.pk]}
    assert "awtt-culture" not in decision.ratings


def test_regrading_keeps_the_earlier_decision_and_opens_a_new_round(make_practice, editor, reviewers):
    practice = make_practice("published", reviewers=reviewers, editor=editor)
    reviews.regrade(actor=editor, practice=practice, note="New evaluation published.")
    assert (practice.status, practice.review_round) == ("in-review", 2)
    assert not Practice.objects.public().exists()
    for reviewer in reviewers:
        assignment = reviews.assign_reviewer(actor=editor, practice=practice, reviewer=reviewer)
        reviews.declare_interests(actor=reviewer, assignment=assignment, has_conflict=False, note="")
        reviews.rate(
            actor=reviewer,
            assignment=assignment,
            ratings=dict.fromkeys(criteria(practice), ("partly", "", [])),
            finish=True,
        )
    with pytest.raises(WorkflowError, match="Give the agreed rating of every criterion; 1 left"):
        reviews.decide(
            actor=editor,
            practice=practice,
            agreed={**dict.fromkeys(criteria(practice)[1:], "met")},
            rationale_en="x",
            rationale_fr="x",
        )
    reviews.decide(
        actor=editor,
        practice=practice,
        agreed={**dict.fromkeys(criteria(practice), "met"), "lp-spread": "partly"},
        rationale_en="Not yet spread.",
        rationale_fr="Pas encore diffusée.",
    )
    assert list(practice.decisions.order_by("round").values_list("round", "tier")) == [
        (1, "best"),
        (2, "good"),
    ]


def test_indigenous_content_is_not_published_until_its_community_approves_it_as_it_stands(
    make_practice, editor, reviewers
):
    practice = make_practice(
        "decided", reviewers=reviewers, editor=editor, indigenous=True, indigenous_community="Northern Lights"
    )
    with pytest.raises(WorkflowError, match="Record Northern Lights’s approval"):
        practices.publish(actor=editor, practice=practice)
    practices.record_approval(
        actor=editor, subject=practice, data=approval_data(restricted_fields=["contacts"])
    )
    practices.publish(actor=editor, practice=practice)
    assert Practice.objects.public().get() == practice
    assert practice.restricted_fields == ["contacts"]
    approval = practice.approvals.get()
    assert (approval.approver_name, approval.digest) == ("Dana Whitecloud", practice.digest)

    practices.update_practice(
        actor=editor, practice_id=practice.pk, data={"summary_en": "Changed after approval."}
    )
    assert not Practice.objects.public().exists()
    assert not Practice.objects.get(pk=practice.pk).is_public
    practices.record_approval(
        actor=editor, subject=practice, data=approval_data(restricted_fields=["contacts"])
    )
    assert Practice.objects.public().get() == practice


def test_adding_evidence_after_approval_also_needs_a_new_approval(make_practice, editor, reviewers):
    practice = make_practice(
        "decided", reviewers=reviewers, editor=editor, indigenous=True, indigenous_community="NL"
    )
    practices.record_approval(actor=editor, subject=practice, data=approval_data())
    practices.publish(actor=editor, practice=practice)
    practices.add_evidence(actor=editor, practice=practice, data={"kind": "knowledge", "title": "Stories"})
    assert not Practice.objects.public().exists()


def test_approval_is_only_for_indigenous_content(make_practice, editor):
    practice = make_practice("draft")
    with pytest.raises(WorkflowError, match="Only content about an Indigenous community"):
        practices.record_approval(actor=editor, subject=practice, data=approval_data())
