"""The pathway editor: steps and transitions of a draft, changed with plain forms; small edits through htmx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carepath.communities.models import Community
from carepath.communities.views import community_permission
from carepath.directory import vocabulary

from . import checks, describe, services
from .forms import StepForm, TransitionForm
from .graph import STAGES, Criteria
from .models import PathwayVersion, Step, Transition

PERMISSION = "pathways.change_pathway"


def _draft(community: Community, number: int) -> PathwayVersion:
    version = get_object_or_404(
        PathwayVersion.objects.select_related("pathway__community"),
        pathway__community=community,
        number=number,
    )
    if not version.editable:
        raise Http404(_("Only a draft can be changed; start a new draft from this version."))
    return version


def _language(request: HttpRequest) -> str:
    language = (request.LANGUAGE_CODE or "en")[:2]
    return language if language in ("en", "fr") else "en"


def _findings(version: PathwayVersion) -> list[dict[str, str]]:
    return [
        {"severity": f.severity, "text": f.message(_)}
        for f in checks.check(services.to_graph(version), vocabulary.load())
    ]


def _steps_context(request: HttpRequest, community: Community, version: PathwayVersion) -> dict[str, Any]:
    steps = list(version.steps.prefetch_related("transitions"))
    language = _language(request)
    titles = {s.key: (s.title_fr if language == "fr" else s.title_en) or s.title_en or s.key for s in steps}
    stage_names = {
        "to-care": _("To care"),
        "through-care": _("Through care"),
        "out-of-care": _("Out of care"),
    }
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


def _changed(request: HttpRequest, community: Community, version: PathwayVersion) -> HttpResponse:
    """After a small edit: the steps again (htmx, with an event that refreshes the problems) or the page."""
    if request.htmx:
        response = render(request, "pathways/_editor_steps.html", _steps_context(request, community, version))
        response["HX-Trigger"] = "pathway-changed"
        return response
    return redirect("pathways:edit", slug=community.slug, number=version.number)


@community_permission(PERMISSION)
def edit(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _draft(community, number)
    context = _steps_context(request, community, version)
    context["findings"] = _findings(version)
    return render(request, "pathways/editor.html", context)


@community_permission(PERMISSION)
def problems(request: HttpRequest, community: Community, number: int) -> HttpResponse:
    version = _draft(community, number)
    return render(
        request,
        "pathways/_problems.html",
        {"community": community, "version": version, "findings": _findings(version)},
    )


@community_permission(PERMISSION)
@require_http_methods(["GET", "POST"])
def step_form(
    request: HttpRequest, community: Community, number: int, key: str | None = None
) -> HttpResponse:
    version = _draft(community, number)
    step = (
        get_object_or_404(Step, version=version, key=key)
        if key
        else Step(version=version, stage="through-care", kind="coordinate")
    )
    keys = set(version.steps.values_list("key", flat=True))
    form = StepForm(request.POST or None, instance=step, keys=keys)
    if request.method == "POST" and form.is_valid():
        saved = services.save_step(version=version, form=form, actor=request.user)
        messages.success(request, _("The step was saved."))
        return redirect("pathways:step", slug=community.slug, number=number, key=saved.key)
    transitions = []
    if step.pk:
        language = _language(request)
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
            "step": step,
            "form": form,
            "transitions": transitions,
            "findings": _findings(version),
        },
        status=400 if request.method == "POST" else 200,
    )


@community_permission(PERMISSION)
@require_POST
def step_move(request: HttpRequest, community: Community, number: int, key: str) -> HttpResponse:
    version = _draft(community, number)
    step = get_object_or_404(Step, version=version, key=key)
    services.move_step(
        step=step, direction=-1 if request.POST.get("direction") == "up" else 1, actor=request.user
    )
    return _changed(request, community, version)


@community_permission(PERMISSION)
@require_POST
def step_remove(request: HttpRequest, community: Community, number: int, key: str) -> HttpResponse:
    version = _draft(community, number)
    step = get_object_or_404(Step, version=version, key=key)
    incoming = services.remove_step(step=step, actor=request.user)
    if not request.htmx:
        messages.success(
            request,
            _("The step %(key)s was removed, with %(count)s transitions that led to it.")
            % {"key": key, "count": incoming},
        )
    return _changed(request, community, version)


@community_permission(PERMISSION)
@require_http_methods(["GET", "POST"])
def transition_form(
    request: HttpRequest, community: Community, number: int, key: str, pk: int | None = None
) -> HttpResponse:
    version = _draft(community, number)
    step = get_object_or_404(Step, version=version, key=key)
    transition = get_object_or_404(Transition, step=step, pk=pk) if pk else None
    language = _language(request)
    choices = [
        (k, f"{(t_fr if language == 'fr' else t_en) or t_en} ({k})")
        for k, t_en, t_fr in version.steps.values_list("key", "title_en", "title_fr")
    ]
    form = TransitionForm(
        request.POST or None,
        steps=choices,
        initial=TransitionForm.initial_for(transition) if transition else None,
    )
    if request.method == "POST" and form.is_valid():
        services.save_transition(step=step, transition=transition, form=form, actor=request.user)
        messages.success(request, _("The transition was saved."))
        return redirect("pathways:step", slug=community.slug, number=number, key=key)
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
        status=400 if request.method == "POST" else 200,
    )


@community_permission(PERMISSION)
@require_POST
def transition_remove(
    request: HttpRequest, community: Community, number: int, key: str, pk: int
) -> HttpResponse:
    version = _draft(community, number)
    transition = get_object_or_404(Transition, step__version=version, step__key=key, pk=pk)
    services.remove_transition(transition=transition, actor=request.user)
    messages.success(request, _("The transition was removed."))
    return redirect(reverse("pathways:step", kwargs={"slug": community.slug, "number": number, "key": key}))
