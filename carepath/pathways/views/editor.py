"""The pathway editor: steps and transitions of a draft, changed with plain forms; small edits through htmx."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carepath import i18n
from carepath.accounts.access import permission_required
from carepath.communities.models import Community
from carepath.communities.queries import community_at
from carepath.concurrency import RevisionForm, StaleEditError

from .. import changes, describe, diff, documents, graph, present, queries, services
from ..forms import DetailsForm, StepForm, TransitionForm
from ..graph import STAGES, Criteria
from ..models import PathwayVersion, Step, Transition
from ..services import drafts

PERMISSION = "pathways.change_pathway"


def _draft(community: Community, number: int, request: HttpRequest | None = None) -> PathwayVersion:
    """The draft being edited. A save (``request`` a POST) gets the version whatever its state: the service
    locks it and refuses if it is no longer a draft, and the view says so, keeping what the person typed."""
    version = get_object_or_404(
        PathwayVersion.objects.select_related("pathway__community"),
        pathway__community=community,
        number=number,
    )
    if not version.editable and not (request is not None and request.method == "POST"):
        raise Http404(_("Only a draft can be changed; start a new draft from this version."))
    return version


class _Opened(forms.Form):
    """The id of the step a step form was opened on (its key, in the address, may change meanwhile)."""

    step_id = forms.IntegerField(required=False, min_value=1)


def _step_to_save(request: HttpRequest, version: PathwayVersion, key: str | None) -> tuple[Step, int | None]:
    """The step a step form edits and its id (None for a new step). On a save, the step the form was opened on
    counts, found by id: someone may have renamed it (the key in the address is then another's or nobody's) or
    removed it (the service then says who and when)."""
    if key is None:
        after = _after(request, version)
        stage = request.GET.get("stage") if request.GET.get("stage") in STAGES else "through-care"
        return Step(version=version, stage=after.stage if after else stage, kind="coordinate"), None
    step = Step.objects.filter(version=version, key=key).first()
    opened = _Opened(request.POST) if request.method == "POST" else None
    step_id = opened.cleaned_data["step_id"] if opened is not None and opened.is_valid() else None
    if step_id is not None and (step is None or step.pk != step_id):
        found = Step.objects.filter(version=version, pk=step_id).first()
        return found or Step(version=version, key=key, stage="through-care", kind="coordinate"), step_id
    if step is None:
        raise Http404(_("This step is not in the draft."))
    return step, step.pk


def _after(request: HttpRequest, version: PathwayVersion) -> Step | None:
    """The step a new step goes after (``after``: its key, in the address or the form), if it is in the draft."""
    key = request.POST.get("after") or request.GET.get("after")
    return Step.objects.filter(version=version, key=key).first() if key else None


def _findings(version: PathwayVersion) -> list[dict[str, Any]]:
    return present.findings(queries.graph_of(version))


def _steps_context(request: HttpRequest, community: Community, version: PathwayVersion) -> dict[str, Any]:
    steps = list(version.steps.prefetch_related("transitions"))
    language = i18n.language()
    titles = {s.key: (s.title_fr if language == "fr" else s.title_en) or s.title_en or s.key for s in steps}
    stage_names = present.stage_names()
    lanes = []
    for stage in STAGES:
        items = []
        for step in (s for s in steps if s.stage == stage):
            items.append(
                {
                    "step": step,
                    "title": titles[step.key],
                    "transitions": [
                        {
                            "to": t.to_key,
                            "to_title": titles.get(t.to_key, t.to_key),
                            "otherwise": t.otherwise,
                            "conditions": describe.conditions(Criteria.from_dict(t.criteria)),
                        }
                        for t in step.transitions.all()
                    ],
                }
            )
        lanes.append((stage, stage_names[stage], items))
    return {"community": community, "version": version, "lanes": lanes}


def _changed(
    request: HttpRequest, community: Community, version: PathwayVersion, refusal: str = ""
) -> HttpResponse:
    """After a small edit: the steps again (htmx, with an event that refreshes the problems) or the page.
    ``refusal`` says why the edit was not made; the steps show as they are now."""
    if request.htmx:
        context = {**_steps_context(request, community, version), "refusal": refusal}
        response = render(request, "pathways/_editor_steps.html", context)
        response["HX-Trigger"] = "pathway-changed"
        return response
    if refusal:
        messages.error(request, refusal)
    return redirect("pathways:edit", slug=community.slug, number=version.number)


def _not_a_draft(
    request: HttpRequest, community: Community, version: PathwayVersion, why: str
) -> HttpResponse:
    """The version stopped being a draft while the person worked: say so on the version's page."""
    messages.error(request, why)
    target = reverse("pathways:version", kwargs={"slug": community.slug, "number": version.number})
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _save(form: Any, save: Callable[[], Any]) -> tuple[Any, int]:
    """Save from a valid form; when the service refuses, say why on the form. What was saved (None when
    refused) and the status to answer: 409 when the draft moved on, 400 when the data cannot be saved."""
    try:
        return save(), 200
    except StaleEditError as error:
        form.stale(error)
        return None, 409
    except services.NotEditableError as refused:
        form.add_error(None, str(refused))
        return None, 409
    except ValidationError as error:
        form.add_error(None, error)
        return None, 400


def _again(error: StaleEditError) -> str:
    return " ".join([error.reason, _("The draft below is as it is now; check it and try again.")])


def _gone() -> str:
    return _(
        "This step was renamed or removed since the page was shown. The draft below is as it is now; "
        "check it and try again."
    )


@permission_required(PERMISSION, community_at)
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    """The draft's name and description in both languages."""
    version = _draft(community, number, request)
    form = DetailsForm(request.POST or None, instance=version)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save(
            form,
            lambda: drafts.save_details(
                version_id=version.pk, data=form.cleaned_data, revision=form.revision, actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The name and description were saved."))
            return redirect("pathways:edit", slug=community.slug, number=number)
    return render(
        request,
        "pathways/details_form.html",
        {"community": community, "version": version, "form": form},
        status=status,
    )


@permission_required(PERMISSION, community_at)
@require_http_methods(["GET", "POST"])
def template_changes(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    """What the Ontario template changed since the revision the draft follows, each step's change to take."""
    version = _draft(community, number, request)
    if request.method == "POST":
        try:
            if "take" in request.POST:
                drafts.take_template_step(
                    version_id=version.pk, key=request.POST["take"][:80], actor=request.user
                )
                messages.success(request, _("The template's change was taken into the draft."))
            elif "follow" in request.POST:
                drafts.follow_template(version_id=version.pk, actor=request.user)
                messages.success(request, _("The draft now follows the template's current revision."))
                return redirect("pathways:edit", slug=community.slug, number=number)
        except services.NotEditableError as refused:
            messages.error(request, str(refused))
            return redirect("pathways:version", slug=community.slug, number=number)
        except drafts.NotATemplateChangeError as refused:
            messages.error(request, str(refused))
        return redirect("pathways:template", slug=community.slug, number=number)
    context: dict[str, Any] = {
        "community": community,
        "version": version,
        "current": documents.TEMPLATE_REVISION,
        "follows": version.template_revision,
    }
    old = documents.template_at(version.template_revision) if version.template_revision else None
    if old is not None and version.template_revision != documents.TEMPLATE_REVISION:
        before, after = graph.Pathway.from_dict(old), graph.Pathway.from_dict(documents.template())
        found = diff.compare(before, after)
        shown = changes.shown(found, before, after, i18n.language())
        mine = queries.graph_of(version).by_key()
        for item in shown["steps"]:  # a step the table changed itself: taking the template's replaces its own
            ours, theirs = mine.get(item["key"]), before.step(item["key"])
            item["local"] = ours is not None and (theirs is None or ours.to_dict() != theirs.to_dict())
            item["present"] = ours is not None
        context.update(shown, changed=bool(found))
    return render(request, "pathways/template_changes.html", context)


@permission_required(PERMISSION, community_at)
def edit(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _draft(community, number)
    context = _steps_context(request, community, version)
    context["findings"] = _findings(version)
    context["template_behind"] = version.template_revision not in ("", documents.TEMPLATE_REVISION)
    return render(request, "pathways/editor.html", context)


@permission_required(PERMISSION, community_at)
def problems(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _draft(community, number)
    return render(
        request,
        "pathways/_problems.html",
        {"community": community, "version": version, "findings": _findings(version)},
    )


@permission_required(PERMISSION, community_at)
@require_http_methods(["GET", "POST"])
def step_form(
    request: HttpRequest, community: Community, number: int, key: str | None = None
) -> HttpResponse:
    version = _draft(community, number, request)
    step, step_id = _step_to_save(request, version, key)
    after = _after(request, version) if key is None else None
    shown = copy.copy(step)  # the step as saved: the form writes what was posted into its instance
    keys = set(version.steps.values_list("key", flat=True))
    form = StepForm(request.POST or None, instance=step, keys=keys)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save(
            form,
            lambda: drafts.save_step(
                version_id=version.pk,
                step_id=step_id,
                data=form.cleaned_data,
                revision=form.revision,
                actor=request.user,
                after_id=after.pk if after else None,
            ),
        )
        if saved is not None:
            messages.success(request, _("The step was saved."))
            return redirect("pathways:step", slug=community.slug, number=number, key=saved.key)
    transitions = []
    if step.pk:
        language = i18n.language()
        titles = {
            k: (t_fr if language == "fr" else t_en) or t_en or k
            for k, t_en, t_fr in version.steps.values_list("key", "title_en", "title_fr")
        }
        transitions = [
            {
                "transition": t,
                "to_title": titles.get(t.to_key, t.to_key),
                "conditions": describe.conditions(Criteria.from_dict(t.criteria)),
            }
            for t in step.transitions.all()
        ]
    return render(
        request,
        "pathways/step_form.html",
        {
            "community": community,
            "version": version,
            "step": shown,
            "after": after,
            "form": form,
            "transitions": transitions,
            "findings": _findings(version),
        },
        status=status,
    )


@permission_required(PERMISSION, community_at)
@require_POST
def step_move(request: HttpRequest, community: Community, number: int, key: str) -> HttpResponse:
    version = _draft(community, number, request)
    step = Step.objects.filter(version=version, key=key).first()
    if step is None:
        return _changed(request, community, version, _gone())
    to = None
    if "position" in request.POST:  # Move to position
        try:
            to = int(request.POST["position"])
        except ValueError:
            return _changed(request, community, version, _("Give the position as a number: 1 is first."))
    try:
        drafts.move_step(
            version_id=version.pk,
            step_id=step.pk,
            direction=-1 if request.POST.get("direction") == "up" else 1,
            to=to,
            actor=request.user,
        )
    except services.NotEditableError as refused:
        return _not_a_draft(request, community, version, str(refused))
    except StaleEditError as error:
        return _changed(request, community, version, _again(error))
    return _changed(request, community, version)


@permission_required(PERMISSION, community_at)
@require_POST
def step_remove(request: HttpRequest, community: Community, number: int, key: str) -> HttpResponse:
    version = _draft(community, number, request)
    step = Step.objects.filter(version=version, key=key).first()
    if step is None:
        return _changed(request, community, version, _gone())
    form = RevisionForm(request.POST, revision=step.revision)
    try:
        incoming = drafts.remove_step(
            version_id=version.pk,
            step_id=step.pk,
            revision=form.revision if form.is_valid() else None,
            actor=request.user,
        )
    except services.NotEditableError as refused:
        return _not_a_draft(request, community, version, str(refused))
    except StaleEditError as error:
        return _changed(request, community, version, _again(error))
    if not request.htmx:
        messages.success(
            request,
            _("The step %(key)s was removed, with %(count)s transitions that led to it.")
            % {"key": key, "count": incoming},
        )
    return _changed(request, community, version)


@permission_required(PERMISSION, community_at)
@require_http_methods(["GET", "POST"])
def transition_form(
    request: HttpRequest, community: Community, number: int, key: str, pk: int | None = None
) -> HttpResponse:
    version = _draft(community, number, request)
    step = Step.objects.filter(version=version, key=key).first()
    transition = None
    if pk is not None:
        # Found by id, whatever its step's key is now; on a save, one that went is refused by the service.
        transition = Transition.objects.filter(step__version=version, pk=pk).select_related("step").first()
        if transition is not None:
            step = transition.step
        elif request.method != "POST":
            raise Http404(_("This transition is not in the draft."))
    if step is None:
        raise Http404(_("This step is not in the draft."))
    language = i18n.language()
    titles = [
        (k, (t_fr if language == "fr" else t_en) or t_en)
        for k, t_en, t_fr in version.steps.values_list("key", "title_en", "title_fr")
    ]
    twice = {t for t, count in Counter(t for _k, t in titles).items() if count > 1}
    choices = [(k, f"{t} ({k})" if t in twice else t) for k, t in titles]  # the key only to tell twins apart
    form = TransitionForm(
        request.POST or None,
        steps=choices,
        initial=TransitionForm.initial_for(transition) if transition else None,
        revision=transition.revision if transition else None,
    )
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save(
            form,
            lambda: drafts.save_transition(
                version_id=version.pk,
                step_id=step.pk,
                transition_id=pk,
                data=form.transition_data(),
                revision=form.revision,
                actor=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The transition was saved."))
            return redirect("pathways:step", slug=community.slug, number=number, key=step.key)
    return render(
        request,
        "pathways/transition_form.html",
        {
            "community": community,
            "version": version,
            "step": step,
            "transition": transition,
            "form": form,
        },
        status=status,
    )


@permission_required(PERMISSION, community_at)
@require_POST
def transition_remove(
    request: HttpRequest, community: Community, number: int, key: str, pk: int
) -> HttpResponse:
    version = _draft(community, number, request)
    form = RevisionForm(request.POST)
    try:
        drafts.remove_transition(
            version_id=version.pk,
            transition_id=pk,
            revision=form.revision if form.is_valid() else None,
            actor=request.user,
        )
    except services.NotEditableError as refused:
        return _not_a_draft(request, community, version, str(refused))
    except StaleEditError as error:
        messages.error(request, _again(error))
    else:
        messages.success(request, _("The transition was removed."))
    return redirect(reverse("pathways:step", kwargs={"slug": community.slug, "number": number, "key": key}))
