"""Alignment surveys: starting one, each person's answers, the consensus, scores with the radar chart,
comparison and export; and loading a new instrument from a file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from carepath import spreadsheets, uploads
from carepath.accounts.access import permission_required, require
from carepath.i18n import language
from carepath.uploads import limited_upload

from .. import queries, radar, scoring
from ..forms import AnswersForm, ConsensusForm, InstrumentUploadForm, SurveyForm
from ..models import Instrument, Organization, Response, Survey
from ..queries import survey_at
from ..services import WorkflowError
from ..services import surveys as survey_services
from . import failed


def _questions(
    survey: Survey, form: AnswersForm, lang: str, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The instrument as sections, items and questions with their form fields, in the page's language."""
    document = survey.instrument.document
    levels = {str(level["value"]): level for level in document["scale"]["levels"]}
    sections = []
    for section in document["sections"]:
        items = []
        for item in section["items"]:
            questions = []
            for question in item["questions"]:
                code = question["code"]
                meanings = question.get("levels", {})
                options = []
                for value, level in levels.items():
                    meaning = meanings.get(value, level["meaning"])
                    options.append({"value": value, "label": level["label"][lang], "meaning": meaning[lang]})
                questions.append(
                    {
                        "code": code,
                        "text": question["text"][lang],
                        "help": question.get("help", {}).get(lang, ""),
                        "options": options,
                        "current": form[f"q-{code}"].value() or "",
                        "evidence": form[f"e-{code}"],
                        "errors": form[f"q-{code}"].errors,
                        "extra": (extra or {}).get(code),
                    }
                )
            items.append(
                {
                    "code": item["code"],
                    "title": item["title"][lang],
                    "description": item.get("description", {}).get(lang, ""),
                    "questions": questions,
                }
            )
        sections.append({"code": section["code"], "title": section["title"][lang], "items": items})
    return sections


def _choice(level: int | None, not_applicable: bool) -> str:
    """The value of a question's radio buttons: a level, "na", or "" when unanswered."""
    return "na" if not_applicable else ("" if level is None else str(level))


def _initial(answers: dict[str, Any]) -> dict[str, Any]:
    initial = {}
    for code, answer in answers.items():
        initial[f"q-{code}"] = _choice(answer.level, answer.not_applicable)
        initial[f"e-{code}"] = answer.evidence
    return initial


@permission_required("practices.start_surveys")
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    user = request.user
    organizations = (
        Organization.objects.all() if user.has_perm("practices.manage") else Organization.objects.led_by(user)
    )
    form = SurveyForm(
        request.POST or None,
        organizations=organizations,
        initial={"instrument": queries.current_instrument()},
    )
    if request.method == "POST" and form.is_valid():
        require(request, "practices.start_survey", form.cleaned_data["organization"])
        try:
            survey = survey_services.start_survey(actor=user, **form.cleaned_data)
        except WorkflowError as error:
            failed(request, error)
        else:
            messages.success(request, _("The survey is open. Each person answers on their own."))
            return redirect(survey)
    return render(request, "practices/survey_start.html", {"form": form})


@login_required
@permission_required("practices.view_survey", survey_at)
def overview(request: HttpRequest, survey: Survey) -> HttpResponse:
    responses = survey.responses.select_related("respondent")
    mine = next((r for r in responses if r.respondent_id == request.user.pk), None)
    return render(
        request,
        "practices/survey.html",
        {
            "survey": survey,
            "responses": responses,
            "mine": mine,
            "can_consensus": request.user.has_perm("practices.record_consensus", survey),
            "submitted": sum(1 for r in responses if r.submitted_at),
            "lang": language(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.view_survey", survey_at)
def answer(request: HttpRequest, survey: Survey) -> HttpResponse:
    response = get_object_or_404(Response, survey=survey, respondent=request.user)
    existing = queries.answers_of(response)
    form = AnswersForm(request.POST or None, survey=survey, initial=_initial(existing))
    locked = survey.status != Survey.Status.OPEN or response.submitted_at is not None
    if request.method == "POST" and not locked and form.is_valid():
        submit = "submit" in request.POST
        try:
            survey_services.save_answers(
                actor=request.user, response=response, given=form.given(), submit=submit
            )
        except WorkflowError as error:
            failed(request, error)
        else:
            if submit:
                messages.success(request, _("Your answers are submitted. Thank you."))
                return redirect(survey)
            messages.success(request, _("Your answers are saved. You can come back to them at any time."))
            return redirect("practices:survey-answer", pk=survey.pk)
    lang = language()
    return render(
        request,
        "practices/survey_answer.html",
        {
            "survey": survey,
            "response": response,
            "form": form,
            "sections": _questions(survey, form, lang),
            "locked": locked,
            "answered": len(survey.instrument.layout.questions)
            - len(queries.unanswered(survey, existing.values())),
            "total": len(survey.instrument.layout.questions),
            "lang": lang,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.record_consensus", survey_at)
def consensus(request: HttpRequest, survey: Survey) -> HttpResponse:
    """Where the answers agree and differ, and the consensus agreed at the meeting."""
    responses = list(
        survey.responses.filter(submitted_at__isnull=False)
        .select_related("respondent")
        .prefetch_related("answers")
    )
    people = [{a.question: a for a in r.answers.all()} for r in responses]
    agreement = scoring.agreement(survey.instrument.layout, [queries.values(p) for p in people])
    existing = queries.consensus_of(survey)
    initial = (
        _initial(existing)
        if existing
        else {
            f"q-{code}": _choice(found.suggestion, found.suggestion is None and found.not_applicable > 0)
            for code, found in agreement.items()
        }
    )
    initial.update({"meeting_on": survey.meeting_on, "note": survey.consensus_note})
    form = ConsensusForm(request.POST or None, survey=survey, initial=initial)
    locked = survey.status != Survey.Status.OPEN
    if request.method == "POST" and not locked and form.is_valid():
        finish = "finish" in request.POST
        try:
            survey_services.record_consensus(
                actor=request.user,
                survey=survey,
                given=form.given(),
                meeting_on=form.cleaned_data["meeting_on"],
                note=form.cleaned_data["note"],
                finish=finish,
            )
        except WorkflowError as error:
            failed(request, error)
        else:
            if finish:
                messages.success(request, _("The consensus is recorded and the scores are ready."))
                return redirect("practices:survey-results", pk=survey.pk)
            messages.success(request, _("The consensus so far is saved."))
            return redirect("practices:survey-consensus", pk=survey.pk)
    lang = language()
    scale = {str(level["value"]): level["label"][lang] for level in survey.instrument.scale["levels"]}
    extra = {
        code: {
            "agreement": found,
            "answers": [
                {
                    "person": r.respondent.get_full_name() or r.respondent.username,
                    "level": _shown(p.get(code), scale),
                    "evidence": p[code].evidence if code in p else "",
                }
                for r, p in zip(responses, people, strict=True)
            ],
        }
        for code, found in agreement.items()
    }
    counts = {
        kind: sum(1 for a in agreement.values() if a.kind == kind)
        for kind in ("agree", "close", "differ", "single")
    }
    return render(
        request,
        "practices/survey_consensus.html",
        {
            "survey": survey,
            "form": form,
            "sections": _questions(survey, form, lang, extra),
            "responses": responses,
            "counts": counts,
            "locked": locked,
            "lang": lang,
        },
    )


def _shown(answer: Any, scale: dict[str, str]) -> str:
    if answer is None or (answer.level is None and not answer.not_applicable):
        return _("No answer")
    if answer.not_applicable:
        return _("Not applicable")
    return f"{answer.level} – {scale.get(str(answer.level), '')}"


def _comparable(request: HttpRequest, survey: Survey) -> Any:
    """Other completed surveys on the same instrument version the person may see."""
    others = Survey.objects.filter(instrument=survey.instrument, status=Survey.Status.COMPLETE).exclude(
        pk=survey.pk
    )
    if not request.user.has_perm("practices.manage"):
        others = others.filter(Q(organization__memberships__user=request.user)).distinct()
    return others.select_related("organization")


def _table(
    survey: Survey, scores: scoring.Scores, other: scoring.Scores | None, lang: str
) -> list[dict[str, Any]]:
    rows = []
    for section in survey.instrument.document["sections"]:
        rows.append(
            {
                "level": "section",
                "code": section["code"],
                "title": section["title"][lang],
                "score": scores.sections[section["code"]],
                "other": other.sections.get(section["code"]) if other else None,
            }
        )
        for item in section["items"]:
            rows.append(
                {
                    "level": "item",
                    "code": item["code"],
                    "title": item["title"][lang],
                    "score": scores.items[item["code"]],
                    "other": other.items.get(item["code"]) if other else None,
                }
            )
    return rows


@login_required
@permission_required("practices.view_survey", survey_at)
def results(request: HttpRequest, survey: Survey) -> HttpResponse:
    lang = language()
    if survey.status != Survey.Status.COMPLETE:
        messages.info(request, _("The scores come from the consensus; they are ready once it is recorded."))
        return redirect(survey)
    scores = queries.survey_scores(survey)
    others = _comparable(request, survey)
    compare = request.GET.get("compare", "")
    other: scoring.Scores | None = None
    other_name = ""
    if compare == "average":
        other, count = queries.registry_average(survey.instrument, exclude=survey)
        other_name = (
            ngettext("Registry average (%(count)d survey)", "Registry average (%(count)d surveys)", count)
            % {"count": count}
            if count
            else ""
        )
        other = other if count else None
    elif compare.isdigit():
        chosen = others.filter(pk=int(compare)).first()
        if chosen is not None:
            other = queries.survey_scores(chosen)
            other_name = f"{chosen.organization.name}: {chosen.title}"
    label = survey.instrument.document.get("item_label", {}).get(lang) or _("Item")
    items = survey.instrument.layout.items
    series = [radar.Series(survey.organization.name, [scores.items[i.code] for i in items], "primary")]
    if other is not None:
        series.append(radar.Series(other_name, [other.items.get(i.code) for i in items], "compare"))
    picture = radar.svg(
        axes=[i.code for i in items],
        series=series,
        maximum=survey.instrument.scale["max"],
        title=_("Alignment by %(label)s") % {"label": label.lower()},
        description=_(
            "Radar chart of the scores from 0 to %(max)s for each of the %(count)d parts; the table below gives the same figures."
        )
        % {"max": survey.instrument.scale["max"], "count": len(items)},
    )
    return render(
        request,
        "practices/survey_results.html",
        {
            "survey": survey,
            "scores": scores,
            "rows": _table(survey, scores, other, lang),
            "svg": picture,
            "others": others,
            "compare": compare,
            "other_name": other_name,
            "lang": lang,
            "item_label": label,
            "section_label": survey.instrument.document.get("section_label", {}).get(lang) or _("Section"),
        },
    )


@login_required
@permission_required("practices.view_survey", survey_at)
def export(request: HttpRequest, survey: Survey, fmt: str) -> HttpResponse:
    """Scores and consensus answers, as CSV (one row per question) or JSON."""
    if survey.status != Survey.Status.COMPLETE:
        messages.info(request, _("The scores come from the consensus; they are ready once it is recorded."))
        return redirect(survey)
    scores = queries.survey_scores(survey)
    answers = queries.consensus_of(survey)
    document = survey.instrument.document
    name = f"alignment-{survey.organization.slug}-{survey.pk}"
    if fmt == "json":
        payload = {
            "organization": survey.organization.slug,
            "survey": survey.title,
            "instrument": {"code": survey.instrument.code, "version": survey.instrument.version},
            "meeting_on": survey.meeting_on.isoformat() if survey.meeting_on else None,
            "overall": scores.overall,
            "sections": scores.sections,
            "items": scores.items,
            "answers": {
                code: {"level": a.level, "not_applicable": a.not_applicable, "evidence": a.evidence}
                for code, a in sorted(answers.items())
            },
        }
        response: HttpResponse = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    writer = spreadsheets.writer(response)
    lang = language()
    writer.writerow(
        [
            "section",
            "section_score",
            "item",
            "item_score",
            "question",
            "level",
            "not_applicable",
            "evidence",
            "question_text",
        ]
    )
    for section in document["sections"]:
        for item in section["items"]:
            for question in item["questions"]:
                a = answers.get(question["code"])
                writer.writerow(
                    [
                        section["code"],
                        _round(scores.sections[section["code"]]),
                        item["code"],
                        _round(scores.items[item["code"]]),
                        question["code"],
                        "" if a is None or a.level is None else a.level,
                        "yes" if a is not None and a.not_applicable else "no",
                        a.evidence if a else "",
                        question["text"][lang],
                    ]
                )
    return response


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.manage")
@limited_upload("CAREPATH_INSTRUMENT_MAX_BYTES")
def instruments(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = InstrumentUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        stopped=posted and uploads.stopped_at(request) is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            instrument = survey_services.load_instrument(
                actor=request.user, document=form.cleaned_data["file"]
            )
        except WorkflowError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("%(title)s, version %(version)s, is loaded.")
                % {"title": instrument.title(language()), "version": instrument.version},
            )
            return redirect("practices:instruments")
    return render(
        request,
        "practices/instruments.html",
        {
            "form": form,
            "instruments": Instrument.objects.all(),
            "lang": language(),
        },
    )
