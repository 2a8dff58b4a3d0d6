"""Readers' feedback on a published pathway: sent with no account, read and closed by the table's facilitators."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carepath import audit
from carepath.accounts.models import Actor
from carepath.communities.models import Community
from carepath.errors import ServiceError

from ..models import Feedback, PathwayVersion


class NoSuchFeedbackError(ServiceError):
    def __init__(self) -> None:
        super().__init__(_("This feedback is not the community's, or it was removed."))


@transaction.atomic
def send_feedback(
    *, version: PathwayVersion, step_key: str, step_title: str, text: str, reply_email: str, language: str
) -> Feedback:
    """Keep a reader's feedback on a published version (on one of its steps, or on the whole when ``step_key``
    is blank). The audit entry keeps neither the text nor the reader's address."""
    feedback = Feedback(
        pathway=version.pathway,
        version_number=version.number,
        step_key=step_key,
        step_title=step_title,
        text=text,
        reply_email=reply_email,
        language=language,
    )
    feedback.full_clean(exclude=["pathway"])
    feedback.save()
    audit.record(
        actor=None,
        action="pathways.feedback",
        target=feedback,
        community=version.pathway.community,
        version=version.number,
        step=step_key,
        answer_wanted=bool(reply_email),
    )
    return feedback


@transaction.atomic
def close_feedback(*, community: Community, feedback_id: int, note: str, actor: Actor) -> Feedback:
    """Close a reader's feedback, saying what the table did (saving again changes the note only)."""
    feedback = (
        Feedback.objects.select_for_update().filter(pk=feedback_id, pathway__community=community).first()
    )
    if feedback is None:
        raise NoSuchFeedbackError
    feedback.note = note
    if feedback.resolved_at is None:
        feedback.resolved_at = timezone.now()
        feedback.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.save(update_fields=["note", "resolved_at", "resolved_by"])
    audit.record(actor=actor, action="pathways.close_feedback", target=feedback, community=community)
    return feedback
