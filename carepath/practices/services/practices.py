"""The practice workflow and community approvals (OCAP)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carepath import audit, concurrency
from carepath.accounts.models import Actor

from .. import queries
from ..models import Approval, CaseStudy, Evidence, Organization, Practice
from . import WorkflowError
from ._history import log

S = Practice.Status
CONTENT_FIELDS = (
    [f"{field}_{lang}" for field in ("name", "summary", "description", "conditions") for lang in ("en", "fr")]
    + [
        f"{field}_{lang}"
        for field in ("core_components", "adaptable_components", "outcomes")
        for lang in ("en", "fr")
    ]
    + ["jurisdictions", "region", "settings", "populations", "dimensions", "contacts", "approaches"]
    + ["indigenous", "indigenous_community", "restricted_fields", "instrument", "survey"]
)


PRACTICE_CHANGED = gettext_lazy("Someone else changed this practice since you opened it: %(who)s, %(when)s.")
CASE_STUDY_CHANGED = gettext_lazy(
    "Someone else changed this case study since you opened it: %(who)s, %(when)s."
)


def _refresh_digest(practice: Practice) -> None:
    practice.digest = practice.compute_digest()
    practice.save(update_fields=["digest", "updated_at"])


def _move(practice: Practice, *, to: str, allowed: Iterable[str], what: str) -> None:
    if practice.status not in allowed:
        raise WorkflowError(
            _("%(what)s is not possible while the practice is “%(status)s”.")
            % {"what": what, "status": practice.get_status_display()}
        )
    practice.status = to
    practice.save(update_fields=["status", "updated_at"])


@transaction.atomic
def create_practice(*, actor: Actor, organizations: list[Organization], data: dict[str, Any]) -> Practice:
    practice = Practice(submitted_by=actor, status=S.DRAFT)
    for field, value in data.items():
        setattr(practice, field, value)
    practice.save()
    practice.organizations.set(organizations)
    _refresh_digest(practice)
    log(actor=actor, action="create", practice=practice, name=practice.name_en)
    return practice


@transaction.atomic
def update_practice(
    *,
    actor: Actor,
    practice_id: int,
    data: dict[str, Any],
    organizations: list[Organization] | None = None,
    revision: int | None = None,
) -> Practice:
    """Change a practice's description from cleaned data, if nobody changed its content since ``revision``
    was read (``None``: whatever it is now)."""
    practice = concurrency.lock(Practice.objects.all(), practice_id, revision, changed=PRACTICE_CHANGED)
    if practice.status == S.ARCHIVED:
        raise WorkflowError(_("An archived practice cannot be changed."))
    changed = sorted(field for field, value in data.items() if getattr(practice, field) != value)
    for field, value in data.items():
        setattr(practice, field, value)
    practice.save()
    if organizations is not None:
        practice.organizations.set(organizations)
    _refresh_digest(practice)
    log(actor=actor, action="update", practice=practice, fields=changed, revision=concurrency.bump(practice))
    return practice


@transaction.atomic
def add_evidence(*, actor: Actor, practice: Practice, data: dict[str, Any]) -> Evidence:
    evidence = Evidence.objects.create(practice=practice, **data)
    _refresh_digest(practice)
    log(
        actor=actor,
        action="add_evidence",
        practice=practice,
        evidence=evidence.pk,
        title=evidence.title,
        revision=concurrency.bump(practice),
    )
    return evidence


@transaction.atomic
def remove_evidence(*, actor: Actor, evidence: Evidence) -> None:
    practice = evidence.practice
    title = evidence.title
    evidence.delete()
    _refresh_digest(practice)
    log(
        actor=actor,
        action="remove_evidence",
        practice=practice,
        title=title,
        revision=concurrency.bump(practice),
    )


@transaction.atomic
def submit(*, actor: Actor, practice: Practice) -> Practice:
    missing = queries.missing_for_submission(practice)
    if missing:
        raise WorkflowError(_("Before submitting, add: %(list)s.") % {"list": "; ".join(missing)})
    _move(practice, to=S.SUBMITTED, allowed=[S.DRAFT], what=_("Submitting"))
    log(actor=actor, action="submit", practice=practice)
    return practice


@transaction.atomic
def start_screening(*, actor: Actor, practice: Practice) -> Practice:
    _move(practice, to=S.SCREENING, allowed=[S.SUBMITTED], what=_("Screening"))
    log(actor=actor, action="start_screening", practice=practice)
    return practice


@transaction.atomic
def screen(*, actor: Actor, practice: Practice, accept: bool, note: str) -> Practice:
    """Screening ends by sending the practice to review, or back to its submitters with the reasons."""
    if accept:
        _move(practice, to=S.IN_REVIEW, allowed=[S.SCREENING], what=_("Sending to review"))
    else:
        if not note.strip():
            raise WorkflowError(_("Say why the practice goes back, so its submitters know what to change."))
        _move(practice, to=S.DRAFT, allowed=[S.SCREENING], what=_("Returning to the submitters"))
    log(actor=actor, action="screen", practice=practice, accepted=accept, note=note)
    return practice


@transaction.atomic
def publish(*, actor: Actor, practice: Practice) -> Practice:
    if practice.indigenous and not practice.approval_current:
        raise WorkflowError(
            _(
                "This practice is about an Indigenous community or organization. Record %(community)s’s "
                "approval of the content as it stands before publishing."
            )
            % {"community": practice.indigenous_community or _("the community")}
        )
    if not practice.decisions.filter(round=practice.review_round).exists():
        raise WorkflowError(_("Record a decision before publishing."))
    _move(practice, to=S.PUBLISHED, allowed=[S.DECIDED], what=_("Publishing"))
    practice.published_at = timezone.now()
    practice.save(update_fields=["published_at"])
    log(actor=actor, action="publish", practice=practice, tier=practice.tier)
    return practice


@transaction.atomic
def archive(*, actor: Actor, practice: Practice, note: str) -> Practice:
    _move(practice, to=S.ARCHIVED, allowed=[s for s in S.values if s != S.ARCHIVED], what=_("Archiving"))
    log(actor=actor, action="archive", practice=practice, note=note)
    return practice


@transaction.atomic
def record_approval(
    *, actor: Actor, subject: Practice | CaseStudy, data: dict[str, Any], revision: int | None = None
) -> Approval:
    """A community's approval of the content as it stands now, with the fields it keeps private; refused
    when the content changed since ``revision`` was read (the community would approve what it did not see)."""
    concurrency.lock(
        type(subject).objects.all(),
        subject.pk,
        revision,
        changed=PRACTICE_CHANGED if isinstance(subject, Practice) else CASE_STUDY_CHANGED,
    )
    subject.refresh_from_db()  # as it is now that it is locked
    if not subject.indigenous:
        raise WorkflowError(
            _("Only content about an Indigenous community or organization needs this approval.")
        )
    restricted = list(data.get("restricted_fields", []))
    revised = None
    if isinstance(subject, Practice) and sorted(restricted) != sorted(subject.restricted_fields):
        subject.restricted_fields = restricted
        subject.save(update_fields=["restricted_fields", "updated_at"])
        revised = concurrency.bump(subject)
    digest = subject.compute_digest()
    approval = Approval.objects.create(
        practice=subject if isinstance(subject, Practice) else None,
        case_study=subject if isinstance(subject, CaseStudy) else None,
        digest=digest,
        recorded_by=actor,
        **{**data, "restricted_fields": restricted},
    )
    subject.digest = subject.approved_digest = digest
    subject.save(update_fields=["digest", "approved_digest", "updated_at"])
    details = {
        "approval": approval.pk,
        "approved_for": approval.community,
        "approver": approval.approver_name,
    }
    if revised is not None:
        details["revision"] = revised
    if isinstance(subject, Practice):
        log(actor=actor, action="record_approval", practice=subject, restricted=restricted, **details)
    else:
        audit.record(actor=actor, action="practices.record_approval", target=subject, **details)
    return approval
