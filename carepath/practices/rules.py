"""Who may do what in the practice registry (django-rules; shared predicates from accounts).

- Editors (working-group role "editor") run the workflow: screening, assigning, deciding, publishing,
  approvals, instruments, case studies and the working group's page. They see everything.
- Reviewers see only the practices they are assigned to, and rate them once they have declared no conflict.
- Members of an organization see and edit its practices while they are drafts, answer reviewers'
  questions, and answer its surveys; the organization's leads run its surveys and record the consensus.
- Everyone else sees what is published, approved where it must be, and never the restricted fields.
"""

from __future__ import annotations

from typing import Any

import rules

from carepath.accounts.rules import is_active, is_editor

from .models import Organization, Practice, Survey


@rules.predicate
def is_public(user: Any, practice: Practice) -> bool:
    return practice.is_public


@rules.predicate
def is_behind(user: Any, practice: Practice) -> bool:
    """A member of one of the organizations behind the practice."""
    return is_active(user) and practice.organizations.filter(memberships__user=user).exists()


@rules.predicate
def is_assigned(user: Any, practice: Practice) -> bool:
    return (
        is_active(user) and practice.assignments.filter(reviewer=user, round=practice.review_round).exists()
    )


@rules.predicate
def is_draft(user: Any, practice: Practice) -> bool:
    return practice.status == Practice.Status.DRAFT


@rules.predicate
def is_open_for_questions(user: Any, practice: Practice) -> bool:
    return practice.status in (Practice.Status.SCREENING, Practice.Status.IN_REVIEW)


@rules.predicate
def belongs(user: Any, organization: Organization) -> bool:
    return is_active(user) and organization.memberships.filter(user=user).exists()


@rules.predicate
def leads(user: Any, organization: Organization) -> bool:
    return is_active(user) and Organization.objects.led_by(user).filter(pk=organization.pk).exists()


@rules.predicate
def leads_an_organization(user: Any) -> bool:
    return is_active(user) and Organization.objects.led_by(user).exists()


@rules.predicate
def in_survey_organization(user: Any, survey: Survey) -> bool:
    return bool(belongs(user, survey.organization))


@rules.predicate
def leads_survey(user: Any, survey: Survey) -> bool:
    return bool(leads(user, survey.organization))


@rules.predicate
def has_organization(user: Any) -> bool:
    return is_active(user) and user.organization_memberships.exists()


rules.add_perm("practices.manage", is_editor)
rules.add_perm("practices.view_practice", is_public | is_editor | is_behind | is_assigned)
rules.add_perm("practices.view_history", is_editor | is_behind | is_assigned)
rules.add_perm("practices.add_practice", is_editor | has_organization)
rules.add_perm("practices.change_practice", is_editor | (is_behind & is_draft))
rules.add_perm("practices.submit_practice", is_editor | is_behind)
rules.add_perm("practices.review_practice", is_assigned)
rules.add_perm("practices.ask_question", (is_assigned | is_editor) & is_open_for_questions)
rules.add_perm("practices.answer_question", is_behind | is_editor)
rules.add_perm("practices.view_organization", is_editor | belongs)
rules.add_perm("practices.start_survey", is_editor | leads)
rules.add_perm(
    "practices.start_surveys", is_editor | leads_an_organization
)  # the page, for some organization
rules.add_perm("practices.view_survey", is_editor | in_survey_organization)
rules.add_perm("practices.record_consensus", is_editor | leads_survey)
