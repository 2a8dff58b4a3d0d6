"""Publishing means reviewed: what ``services.publish`` needs before a version goes out, and the refusals it raises
on the service's behalf.

A version is published after a complete review (at least one named approver, and every one of them approved it),
or without review when someone who may (``pathways.publish_without_review``: the table's facilitators and site
administrators) gives the reason, which the version keeps and its history shows.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from carepath.errors import ServiceError

from .models import PUBLISH_REASON_MAX, Invitation, PathwayVersion, Publication
from .queries import SignOff


class NotReviewedError(ServiceError):
    """The version has no review, or its review names no approver: nobody has approved it."""

    def __init__(self, version: PathwayVersion, state: SignOff) -> None:
        if state.review is None:
            message = _(
                "Version %(number)s has not been reviewed. Send it for review and publish it once every named "
                "approver has approved it, or publish it without review and give the reason."
            )
        else:
            message = _(
                "The review of version %(number)s names no approver, so nobody can approve it. Publish it "
                "without review and give the reason, or start a new draft and send it for review with an "
                "approver."
            )
        super().__init__(message % {"number": version.number})


class AwaitingApprovalError(ServiceError):
    """Named approvers of the version's review have not approved it yet; ``waiting`` lists them."""

    def __init__(self, version: PathwayVersion, waiting: list[Invitation]) -> None:
        super().__init__(
            _(
                "Version %(number)s is waiting for the approval of %(names)s. Publish it once they have "
                "approved it, or publish it without review and give the reason."
            )
            % {"number": version.number, "names": names(waiting)}
        )
        self.waiting = waiting


class NotFacilitatorError(ServiceError):
    """Someone who may not publish without review asked to."""

    def __init__(self) -> None:
        super().__init__(_("Only the table's facilitators may publish a version without review."))


class PublishReasonError(ServiceError, ValidationError):
    """The reason for publishing without review is blank or too long; given on the ``reason`` field, so that
    a form shows it there (a ValidationError too)."""


def names(invitations: list[Invitation]) -> str:
    """The names of people invited, as a list in words (Ada, Bo and Cy)."""
    return str(get_text_list([i.name for i in invitations], _("and")))


def approvals(state: SignOff) -> list[dict[str, str]]:
    """The approvals given, as the audit log keeps them."""
    return [
        {"name": i.name, "email": i.email, "at": i.approved_at.isoformat(), "note": i.approval_note}
        for i in state.approved
        if i.approved_at is not None
    ]


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise PublishReasonError({"reason": [_("Give the reason for publishing without review.")]})
    if len(reason) > PUBLISH_REASON_MAX:
        raise PublishReasonError(
            {
                "reason": [
                    _("Keep the reason to %(limit)s characters or fewer (it has %(count)s).")
                    % {
                        "limit": number_format(PUBLISH_REASON_MAX, force_grouping=True),
                        "count": number_format(len(reason), force_grouping=True),
                    }
                ]
            }
        )
    return reason


def publication(
    version: PathwayVersion, state: SignOff, *, without_review: str | None, actor: Any
) -> tuple[str, str]:
    """How the version may be published, and the reason to keep: reviewed when its review is complete (a reason
    given then is not needed, and not kept); else without review when the actor may and gives a reason; else
    refused, saying what is missing."""
    if state.complete:
        return Publication.REVIEWED, ""
    if without_review is None:
        if state.waiting:
            raise AwaitingApprovalError(version, state.waiting)
        raise NotReviewedError(version, state)
    allowed = getattr(actor, "is_authenticated", False) and actor.has_perm(
        "pathways.publish_without_review", version.pathway.community
    )
    if not allowed:
        raise NotFacilitatorError
    return Publication.WITHOUT_REVIEW, _reason(without_review)
