"""Survey instruments (loaded from files) and an organization's alignment survey."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carepath import audit
from carepath.accounts.models import Actor, User

from .. import instruments, queries
from ..models import Answer, Instrument, Organization, Response, Survey
from . import WorkflowError

# A question's answer as forms give it: (level or None, not applicable, evidence).
Given = tuple[int | None, bool, str]


def _store_instrument(model: Any, document: dict[str, Any], *, actor: Actor = None) -> tuple[Any, bool]:
    """Keep a checked instrument document; a code and version already loaded is left as it is.

    Takes the model class so that the migration that ships the IPCHS instrument can use it too.
    """
    existing = model.objects.filter(code=document["code"], version=document["version"]).first()
    if existing is not None:
        return existing, False
    instrument = model.objects.create(
        code=document["code"],
        version=document["version"],
        title_en=document["title"]["en"],
        title_fr=document["title"]["fr"],
        document=document,
        loaded_by=actor,
    )
    return instrument, True


def load_shipped(model: Any) -> list[Any]:
    """The instruments shipped with Carepath (``data/instruments/``), loaded where missing."""
    loaded = []
    for path in instruments.shipped():
        document, problems = instruments.read(path.read_bytes(), path.name)
        if document is None:
            raise ValueError(f"{path.name}: {problems[:5]}")
        loaded.append(_store_instrument(model, document)[0])
    return loaded


@transaction.atomic
def load_instrument(*, actor: Actor, document: dict[str, Any]) -> Instrument:
    """A new instrument version from a checked document (see ``instruments.read``)."""
    if Instrument.objects.filter(code=document["code"], version=document["version"]).exists():
        raise WorkflowError(
            _("Version %(version)s of “%(code)s” is already loaded; give the file a higher version number.")
            % {"version": document["version"], "code": document["code"]}
        )
    instrument, _created = _store_instrument(Instrument, document, actor=actor)
    audit.record(actor=actor, action="practices.load_instrument", target=instrument, code=instrument.code)
    return instrument


@transaction.atomic
def start_survey(
    *,
    actor: Actor,
    organization: Organization,
    instrument: Instrument,
    title: str,
    respondents: Iterable[User],
) -> Survey:
    survey = Survey.objects.create(
        organization=organization, instrument=instrument, title=title.strip(), created_by=actor
    )
    people = list(respondents)
    if not people:
        raise WorkflowError(_("Choose the people who will answer."))
    for person in people:
        if not organization.memberships.filter(user=person).exists():
            raise WorkflowError(_("%(name)s is not a member of the organization.") % {"name": person})
        Response.objects.create(survey=survey, respondent=person)
    audit.record(
        actor=actor,
        action="practices.start_survey",
        target=survey,
        respondents=[p.username for p in people],
        instrument=f"{instrument.code} v{instrument.version}",
    )
    return survey


def _check(survey: Survey, given: Mapping[str, Given]) -> None:
    questions = survey.instrument.questions
    scale = survey.instrument.scale
    for code, (level, not_applicable, _evidence) in given.items():
        if code not in questions:
            raise WorkflowError(_("%(code)s is not a question of this survey.") % {"code": code})
        if level is not None and not scale["min"] <= level <= scale["max"]:
            raise WorkflowError(
                _("%(code)s: give a level from %(min)s to %(max)s.")
                % {"code": code, "min": scale["min"], "max": scale["max"]}
            )
        if level is not None and not_applicable:
            raise WorkflowError(_("%(code)s: choose a level or “not applicable”, not both.") % {"code": code})
        if not_applicable and not scale.get("not_applicable", True):
            raise WorkflowError(_("This instrument has no “not applicable” answer."))


def _write(survey: Survey, response: Response | None, given: Mapping[str, Given]) -> None:
    for code, (level, not_applicable, evidence) in given.items():
        Answer.objects.update_or_create(
            survey=survey,
            response=response,
            question=code,
            defaults={"level": level, "not_applicable": not_applicable, "evidence": evidence.strip()},
        )


@transaction.atomic
def save_answers(*, actor: Actor, response: Response, given: Mapping[str, Given], submit: bool) -> Response:
    """A respondent saves answers as they go and comes back; submitting needs every question answered."""
    survey = response.survey
    if survey.status != Survey.Status.OPEN:
        raise WorkflowError(_("The consensus is recorded; answers can no longer change."))
    if response.submitted_at is not None:
        raise WorkflowError(_("You have submitted your answers; they can no longer change."))
    _check(survey, given)
    _write(survey, response, given)
    if submit:
        left = queries.unanswered(survey, response.answers.all())
        if left:
            raise WorkflowError(
                _(
                    "Answer every question before submitting (a level or “not applicable”); %(count)d left: %(codes)s."
                )
                % {"count": len(left), "codes": ", ".join(left)}
            )
        response.submitted_at = timezone.now()
    response.save()
    audit.record(
        actor=actor,
        action="practices.submit_answers" if submit else "practices.save_answers",
        target=survey,
        questions=len(given),
    )
    return response


@transaction.atomic
def record_consensus(
    *,
    actor: Actor,
    survey: Survey,
    given: Mapping[str, Given],
    meeting_on: datetime.date | None,
    note: str,
    finish: bool,
) -> Survey:
    """The answers agreed at the consensus meeting; finishing closes the survey and makes its scores."""
    if survey.status != Survey.Status.OPEN:
        raise WorkflowError(_("The consensus is already recorded."))
    if not survey.responses.filter(submitted_at__isnull=False).exists():
        raise WorkflowError(_("The consensus comes after at least one person has submitted their answers."))
    _check(survey, given)
    _write(survey, None, given)
    survey.meeting_on = meeting_on
    survey.consensus_note = note.strip()
    if finish:
        left = queries.unanswered(survey, survey.answers.filter(response__isnull=True))
        if left:
            raise WorkflowError(
                _("Agree an answer to every question before closing; %(count)d left: %(codes)s.")
                % {"count": len(left), "codes": ", ".join(left)}
            )
        if meeting_on is None:
            raise WorkflowError(_("Give the date of the consensus meeting."))
        survey.status = Survey.Status.COMPLETE
        survey.completed_at = timezone.now()
    survey.save()
    audit.record(
        actor=actor,
        action="practices.record_consensus" if finish else "practices.save_consensus",
        target=survey,
        questions=len(given),
    )
    return survey
