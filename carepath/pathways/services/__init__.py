"""Writes to pathways, one function per workflow step; each is atomic and audit-logged."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carepath import audit, tokens
from carepath.accounts.models import Actor
from carepath.communities.models import Community
from carepath.directory import vocabulary
from carepath.errors import ServiceError

from .. import checks, documents, graph, models, queries, signoff
from ..models import Comment, Invitation, Pathway, PathwayVersion, Review, Step, Transition
from ..signoff import AwaitingApprovalError as AwaitingApprovalError
from ..signoff import NotFacilitatorError as NotFacilitatorError
from ..signoff import NotReviewedError as NotReviewedError
from ..signoff import PublishReasonError as PublishReasonError

Write = TypeVar("Write", bound=Callable[..., Any])


def _write_steps(version: PathwayVersion, pathway: graph.Pathway) -> None:
    for position, item in enumerate(pathway.steps):
        write_step(version, item, position)


def write_step(version: PathwayVersion, item: graph.Step, position: int) -> Step:
    """A step of the pathway document, with its transitions, written to the version (inside the caller's
    transaction)."""
    step = Step.objects.create(
        version=version,
        position=position,
        key=item.key,
        stage=item.stage,
        kind=item.kind,
        entry=item.entry,
        title_en=item.title.get("en", ""),
        title_fr=item.title.get("fr", ""),
        text_en=item.text.get("en", ""),
        text_fr=item.text.get("fr", ""),
        service_types=item.service_types,
        tiers=item.tiers,
        concerns=item.concerns,
        sectors=item.sectors,
        age_min=item.age.min,
        age_max=item.age.max,
        target_days=item.target_days,
        links=[{"url": link.url, "title": link.title, "kind": link.kind} for link in item.links],
    )
    Transition.objects.bulk_create(
        [
            Transition(
                step=step,
                position=index,
                to_key=t.to,
                otherwise=t.otherwise,
                criteria=t.criteria.to_dict(),
                label_en=t.label.get("en", ""),
                label_fr=t.label.get("fr", ""),
            )
            for index, t in enumerate(item.transitions)
        ]
    )
    return step


class NotEditableError(ServiceError):
    """A write the version is not (or no longer) in the state for; the message says why."""


class DocumentError(ServiceError, ValidationError):
    """A pathway document that breaks the schema; the messages name each problem. A ValidationError too, so that
    the API and ``import-pathway`` list every problem as they list a form's."""


class DraftValueError(ServiceError, ValidationError):
    """A value the draft cannot take (a step key another step has, a transition to a step no longer there),
    given on the field it concerns. A ValidationError too, so that the editor's forms show it on that field."""


def lock_version(version_id: int, *states: str, refused: str | Promise) -> PathwayVersion:
    """The version, locked until the transaction ends and read again; refused unless it is in ``states``."""
    version = PathwayVersion.objects.select_for_update(of=("self",)).filter(pk=version_id).order_by().first()
    if version is None or version.status not in states:
        raise NotEditableError(str(refused))
    return version


def _locking(
    *states: str, refused: str | Promise, version_id: Callable[[dict[str, Any]], int]
) -> Callable[[Write], Write]:
    """Lock and read again the version a write concerns before the write runs, inside its transaction (put
    it under ``@transaction.atomic``); refused unless the version is still in ``states``."""

    def decorate(function: Write) -> Write:
        @functools.wraps(function)
        def locked(**kwargs: Any) -> Any:
            lock_version(version_id(kwargs), *states, refused=refused)
            return function(**kwargs)

        return cast(Write, locked)

    return decorate


SENT_ALREADY = gettext_lazy("Only a draft can be sent for review.")
CLOSED = gettext_lazy("This review is closed.")


def _touch(version: PathwayVersion, actor: Actor, action: str, **data: Any) -> None:
    audit.record(
        actor=actor, action=f"pathways.{action}", target=version, community=version.pathway.community, **data
    )


def _next_number(pathway: Pathway) -> int:
    return (pathway.versions.aggregate(top=Max("number"))["top"] or 0) + 1


@transaction.atomic
def import_document(
    *,
    community: Community,
    document: dict[str, Any],
    actor: Actor = None,
    based_on: PathwayVersion | None = None,
    template_revision: str = "",
) -> PathwayVersion:
    """A pathway JSON document becomes a new draft version of the community's pathway (following the Ontario
    template's ``template_revision``, when it comes from it)."""
    problems = documents.schema_errors(document)
    if problems:
        raise DocumentError(problems)
    plan = graph.Pathway.from_dict(document)
    # Lock the pathway (or, for its first version, the community) so two imports get two numbers.
    pathway = community.pathways.select_for_update().order_by("created_at").first()
    if pathway is None:
        Community.objects.select_for_update().filter(pk=community.pk).order_by().first()
        pathway = community.pathways.order_by("created_at").first() or Pathway.objects.create(
            community=community, source=plan.source or ""
        )
    version = PathwayVersion.objects.create(
        pathway=pathway,
        number=_next_number(pathway),
        status=PathwayVersion.Status.DRAFT,
        title_en=plan.title["en"],
        title_fr=plan.title["fr"],
        description_en=plan.description.get("en", ""),
        description_fr=plan.description.get("fr", ""),
        based_on=based_on,
        template_revision=template_revision,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _write_steps(version, plan)
    audit.record(
        actor=actor,
        action="pathways.import",
        target=version,
        community=community,
        steps=len(plan.steps),
        based_on=based_on.pk if based_on else None,
    )
    return version


@transaction.atomic
def start_draft(
    *, community: Community, actor: Actor, from_version: PathwayVersion | None = None
) -> PathwayVersion:
    """A new draft copied from a version of the community's pathway, or from the Ontario template."""
    if from_version is not None:
        document = queries.graph_of(from_version).to_dict()
        for name in ("id", "version", "status", "community"):
            document.pop(name, None)
        revision = from_version.template_revision
    else:
        document = documents.template()
        revision = documents.TEMPLATE_REVISION
    return import_document(
        community=community,
        document=document,
        actor=actor,
        based_on=from_version,
        template_revision=revision,
    )


class PublishBlockedError(ServiceError):
    def __init__(self, findings: list[checks.Finding]) -> None:
        super().__init__(_("The pathway has errors and cannot be published."))
        self.findings = findings


@transaction.atomic
def publish(*, version: PathwayVersion, actor: Actor, without_review: str | None = None) -> PathwayVersion:
    """Publish a draft or a version in review once its review is complete, every named approver having approved
    it; or, with ``without_review`` (the reason), without review, if the actor may (``signoff``). Errors block
    it either way. The review closes and the version published before is retired."""
    return _publish(version, actor, without_review=without_review)


def _publish(
    version: PathwayVersion, actor: Actor, *, without_review: str | None, template: bool = False
) -> PathwayVersion:
    draft, in_review = PathwayVersion.Status.DRAFT, PathwayVersion.Status.IN_REVIEW
    lock_version(
        version.pk, draft, in_review, refused=_("Only a draft or a version in review can be published.")
    )
    version.refresh_from_db()
    findings = [f for f in checks.check(queries.graph_of(version), vocabulary.load()) if f.is_error]
    if findings:
        raise PublishBlockedError(findings)
    state = queries.sign_off(version)
    kind, reason = (
        (models.Publication.TEMPLATE, "")
        if template
        else signoff.publication(version, state, without_review=without_review, actor=actor)
    )
    if state.review is not None:
        state.review.closed_at = timezone.now()
        state.review.save(update_fields=["closed_at"])
    previous = version.pathway.versions.select_for_update(of=("self",)).filter(
        status=PathwayVersion.Status.PUBLISHED
    )
    retired = [v.number for v in previous]
    previous.update(status=PathwayVersion.Status.RETIRED)
    version.status = PathwayVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = audit.person(actor)
    version.publication, version.publish_reason = kind, reason
    version.save(update_fields=["status", "published_at", "published_by", "publication", "publish_reason"])
    _touch(
        version,
        actor,
        "publish",
        number=version.number,
        retired=retired,
        publication=kind,
        reason=reason,
        approvals=signoff.approvals(state),
    )
    return version


@transaction.atomic
def publish_template(*, community: Community, actor: Actor = None) -> PathwayVersion:
    """Give a new community the Ontario early-years template as its published pathway (``create-community``):
    the province's template, published as it is, without a review of the table's."""
    return _publish(start_draft(community=community, actor=actor), actor, without_review=None, template=True)


# --- Review round ------------------------------------------------------------------------------------------------


@transaction.atomic
@_locking(PathwayVersion.Status.DRAFT, refused=SENT_ALREADY, version_id=lambda kw: kw["version"].pk)
def open_review(
    *, version: PathwayVersion, deadline: Any, message: str, invitees: list[dict[str, str]], actor: Actor
) -> Review:
    """Freeze a draft for review and create a private link for each person invited.

    Only the hash of each link's token is stored: the tokens are on ``review.tokens`` (invitation id to
    token), the one time they exist, to be shown and e-mailed."""
    if version.status != PathwayVersion.Status.DRAFT:
        raise NotEditableError(_("Only a draft can be sent for review."))
    review = Review.objects.create(
        version=version, opened_by=audit.person(actor), deadline=deadline, message=message
    )
    review.tokens = {}
    for person in invitees:
        token = tokens.new_token()
        invitation = Invitation.objects.create(
            review=review,
            token_hash=tokens.token_hash(token),
            name=person["name"],
            email=person.get("email", ""),
            role=person["role"],
        )
        review.tokens[invitation.pk] = token
    version.status = PathwayVersion.Status.IN_REVIEW
    version.save(update_fields=["status"])
    _touch(version, actor, "open_review", review=review.pk, deadline=str(deadline), invited=len(invitees))
    return review


def _accepting(review: Review) -> None:
    if not review.open:
        raise NotEditableError(_("This review is closed."))
    if review.deadline_passed():
        raise NotEditableError(
            _("The deadline for this review has passed: it takes no more comments or approvals.")
        )


@transaction.atomic
def new_link(*, invitation: Invitation, actor: Actor) -> str:
    """Replace an invitation's private link (the old one stops working) and return the new token, which is
    not stored."""
    if not invitation.review.open:
        raise NotEditableError(_("This review is closed."))
    token = tokens.new_token()
    invitation.token_hash = tokens.token_hash(token)
    invitation.save(update_fields=["token_hash"])
    _touch(
        invitation.review.version,
        actor,
        "new_review_link",
        review=invitation.review_id,
        invitee=invitation.name,
    )
    return token


@transaction.atomic
def purge_ended_links(*, actor: Actor = None) -> int:
    """Remove the links of reviews that have closed (they show nothing any more); returns how many went."""
    ended = Invitation.objects.filter(review__closed_at__isnull=False, token_hash__isnull=False)
    removed = ended.update(token_hash=None)
    if removed:
        audit.record(
            actor=actor, action="pathways.purge_ended_links", target_type="pathways.invitation", count=removed
        )
    return int(removed)


@transaction.atomic
@_locking(PathwayVersion.Status.IN_REVIEW, refused=CLOSED, version_id=lambda kw: kw["review"].version_id)
def comment(
    *, review: Review, invitation: Invitation | None, author: str, step_key: str, text: str, to_key: str = ""
) -> Comment:
    """A reviewer's comment on a step (``step_key``), on the way from it to ``to_key``, or on the whole pathway
    (both blank)."""
    _accepting(review)
    made = Comment.objects.create(
        review=review, invitation=invitation, author_name=author, step_key=step_key, to_key=to_key, text=text
    )
    audit.record(
        actor=None,
        action="pathways.comment",
        target=made,
        community=review.version.pathway.community,
        step=step_key,
        author=author,
    )
    return made


@transaction.atomic
def answer(*, comment: Comment, text: str, resolve: bool, actor: Actor) -> Comment:
    comment.answer = text
    comment.answered_by = audit.person(actor)
    if resolve and comment.resolved_at is None:
        comment.resolved_at = timezone.now()
    comment.save(update_fields=["answer", "answered_by", "resolved_at"])
    audit.record(
        actor=actor,
        action="pathways.answer",
        target=comment,
        community=comment.review.version.pathway.community,
        resolved=resolve,
    )
    return comment


@transaction.atomic
@_locking(
    PathwayVersion.Status.IN_REVIEW, refused=CLOSED, version_id=lambda kw: kw["invitation"].review.version_id
)
def approve(*, invitation: Invitation, note: str) -> Invitation:
    if invitation.role != Invitation.Role.APPROVER:
        raise NotEditableError(_("Only named approvers approve."))
    _accepting(invitation.review)
    invitation.approved_at = timezone.now()
    invitation.approval_note = note
    invitation.save(update_fields=["approved_at", "approval_note"])
    audit.record(
        actor=None,
        action="pathways.approve",
        target=invitation.review.version,
        community=invitation.review.version.pathway.community,
        approver=invitation.name,
        version=invitation.review.version.number,
    )
    return invitation
