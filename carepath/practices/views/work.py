"""The workflow around a practice: submitters write and submit it and answer questions; editors screen,
assign reviewers, record approvals and decisions, publish; reviewers declare interests and rate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carepath.accounts.access import permission_required
from carepath.concurrency import StaleEditError
from carepath.i18n import language

from .. import queries, rubric
from ..forms import (
    ApprovalForm,
    AssignForm,
    DecisionForm,
    EvidenceForm,
    InterestsForm,
    NoteForm,
    PracticeForm,
    RatingsForm,
    TextForm,
)
from ..models import Assignment, CaseStudy, Evidence, Instrument, Practice, Response, ReviewQuestion, Survey
from ..queries import practice_at
from ..services import WorkflowError, content, reviews
from ..services import practices as workflow
from . import failed

S = Practice.Status


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the person: their organizations' practices and surveys, their reviews, and for
    editors the registry's queue."""
    user = request.user
    context: dict[str, Any] = {
        "memberships": user.organization_memberships.select_related("organization"),
        "practices": Practice.objects.filter(organizations__memberships__user=user)
        .distinct()
        .order_by("-updated_at"),
        "responses": Response.objects.filter(respondent=user).select_related("survey__organization"),
        "surveys": Survey.objects.filter(organization__memberships__user=user)
        .distinct()
        .select_related("organization"),
        "assignments": Assignment.objects.filter(reviewer=user)
        .filter(round=F("practice__review_round"))
        .select_related("practice")
        .order_by("completed_at", "-assigned_at"),
        "is_editor": user.has_perm("practices.manage"),
        "can_start_surveys": user.has_perm("practices.start_surveys"),
    }
    if context["is_editor"]:
        context["queue"] = (
            Practice.objects.exclude(status__in=[S.DRAFT, S.PUBLISHED, S.ARCHIVED])
            .annotate(
                reviewers=Count("assignments", filter=Q(assignments__has_conflict=False), distinct=True),
                finished=Count(
                    "assignments", filter=Q(assignments__completed_at__isnull=False), distinct=True
                ),
            )
            .order_by("updated_at")
        )
        context["case_studies"] = CaseStudy.objects.order_by("title")
        context["instruments"] = Instrument.objects.all()
    return render(request, "practices/mine.html", context)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:80] or "practice"
    slug, n = base, 2
    while Practice.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.add_practice")
def create(request: HttpRequest) -> HttpResponse:
    instrument = queries.current_instrument()
    form = PracticeForm(request.POST or None, user=request.user, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        data = form.practice_data()
        data["slug"] = _unique_slug(data["name_en"])
        practice = workflow.create_practice(
            actor=request.user, organizations=list(form.cleaned_data["organizations"]), data=data
        )
        messages.success(request, _("The practice is saved as a draft. Add its evidence next."))
        return redirect("practices:evidence", slug=practice.slug)
    return render(request, "practices/form.html", {"form": form, "practice": None})


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.change_practice", practice_at)
def edit(request: HttpRequest, practice: Practice) -> HttpResponse:
    form = PracticeForm(
        request.POST or None,
        instance=practice,
        user=request.user,
        instrument=practice.instrument or queries.current_instrument(),
        initial={"organizations": practice.organizations.all()},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            workflow.update_practice(
                actor=request.user,
                practice_id=practice.pk,
                data=form.practice_data(),
                organizations=list(form.cleaned_data["organizations"]),
                revision=form.revision,
            )
        except StaleEditError as error:
            form.stale(error)
            status = 409
        except WorkflowError as error:
            failed(request, error)
        else:
            messages.success(request, _("The practice is saved."))
            return redirect(practice)
    return render(request, "practices/form.html", {"form": form, "practice": practice}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.change_practice", practice_at)
def evidence(request: HttpRequest, practice: Practice) -> HttpResponse:
    form = EvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workflow.add_evidence(actor=request.user, practice=practice, data=form.cleaned_data)
        messages.success(request, _("The evidence item is added."))
        return redirect("practices:evidence", slug=practice.slug)
    return render(
        request,
        "practices/evidence.html",
        {
            "practice": practice,
            "form": form,
            "items": practice.evidence.all(),
            "missing": queries.missing_for_submission(practice),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@permission_required("practices.change_practice", practice_at)
def evidence_remove(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    item = get_object_or_404(Evidence, pk=pk, practice=practice)
    workflow.remove_evidence(actor=request.user, evidence=item)
    messages.success(request, _("The evidence item is removed."))
    return redirect("practices:evidence", slug=practice.slug)


@login_required
@require_POST
@permission_required("practices.submit_practice", practice_at)
def submit(request: HttpRequest, practice: Practice) -> HttpResponse:
    try:
        workflow.submit(actor=request.user, practice=practice)
    except WorkflowError as error:
        failed(request, error)
    else:
        messages.success(request, _("The practice is submitted. The working group will screen it."))
    return redirect(practice)


@login_required
@permission_required("practices.view_history", practice_at)
def history(request: HttpRequest, practice: Practice) -> HttpResponse:
    """Every change to the practice and its review, for the people it concerns."""
    return render(
        request,
        "practices/history.html",
        {
            "practice": practice,
            "entries": queries.history_of(practice),
            "decisions": practice.decisions.select_related("decided_by"),
        },
    )


@login_required
@require_POST
@permission_required("practices.ask_question", practice_at)
def ask(request: HttpRequest, practice: Practice) -> HttpResponse:
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            reviews.ask(actor=request.user, practice=practice, text=form.cleaned_data["text"])
        except WorkflowError as error:
            failed(request, error)
        else:
            messages.success(request, _("The question is sent to the people behind the practice."))
    else:
        messages.error(request, _("Write the question."))
    back = "practices:review" if request.POST.get("back") == "review" else "practices:detail"
    return redirect(back, slug=practice.slug)


@login_required
@require_POST
@permission_required("practices.answer_question", practice_at)
def answer(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    question = get_object_or_404(ReviewQuestion, pk=pk, practice=practice)
    form = TextForm(request.POST)
    if form.is_valid():
        reviews.answer(actor=request.user, question=question, text=form.cleaned_data["text"])
        messages.success(request, _("Your answer is sent to the reviewers."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(practice)


# Editors


@login_required
@permission_required("practices.manage", practice_at)
def manage(request: HttpRequest, practice: Practice) -> HttpResponse:
    assignments = practice.assignments.filter(round=practice.review_round).select_related("reviewer")
    return render(
        request,
        "practices/manage.html",
        {
            "practice": practice,
            "assignments": assignments,
            "assign_form": AssignForm(),
            "note_form": NoteForm(),
            "approvals": practice.approvals.select_related("recorded_by"),
            "decisions": practice.decisions.select_related("decided_by"),
            "finished": len(queries.finished_reviews(practice)),
            "needed": reviews.MIN_REVIEWERS,
        },
    )


STEPS = {
    "start-screening": lambda actor, p, note: workflow.start_screening(actor=actor, practice=p),
    "accept": lambda actor, p, note: workflow.screen(actor=actor, practice=p, accept=True, note=note),
    "return": lambda actor, p, note: workflow.screen(actor=actor, practice=p, accept=False, note=note),
    "publish": lambda actor, p, note: workflow.publish(actor=actor, practice=p),
    "archive": lambda actor, p, note: workflow.archive(actor=actor, practice=p, note=note),
    "regrade": lambda actor, p, note: reviews.regrade(actor=actor, practice=p, note=note),
}


@login_required
@require_POST
@permission_required("practices.manage", practice_at)
def step(request: HttpRequest, practice: Practice, action: str) -> HttpResponse:
    if action not in STEPS:
        raise Http404(_("There is no such step."))
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        STEPS[action](request.user, practice, note)
    except WorkflowError as error:
        failed(request, error)
    else:
        messages.success(
            request, _("Done: the practice is now “%(status)s”.") % {"status": practice.get_status_display()}
        )
    return redirect("practices:manage", slug=practice.slug)


@login_required
@require_POST
@permission_required("practices.manage", practice_at)
def assign(request: HttpRequest, practice: Practice) -> HttpResponse:
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            reviews.assign_reviewer(
                actor=request.user, practice=practice, reviewer=form.cleaned_data["reviewer"]
            )
        except WorkflowError as error:
            failed(request, error)
        else:
            messages.success(request, _("The reviewer is assigned."))
    else:
        messages.error(request, _("Choose a reviewer from the list."))
    return redirect("practices:manage", slug=practice.slug)


@login_required
@require_POST
@permission_required("practices.manage", practice_at)
def unassign(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment, pk=pk, practice=practice)
    try:
        reviews.unassign_reviewer(actor=request.user, assignment=assignment)
    except WorkflowError as error:
        failed(request, error)
    else:
        messages.success(request, _("The reviewer is taken off this practice."))
    return redirect("practices:manage", slug=practice.slug)


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.manage")
def approval(request: HttpRequest, slug: str, kind: str = "practice") -> HttpResponse:
    """Record a community's approval of the content as it stands (OCAP)."""
    subject: Practice | CaseStudy = (
        practice_at(slug) if kind == "practice" else get_object_or_404(CaseStudy, slug=slug)
    )
    if not subject.indigenous:
        raise Http404(_("Only content about an Indigenous community or organization needs this approval."))
    initial = {"community": subject.indigenous_community}
    if isinstance(subject, Practice):
        initial["restricted_fields"] = subject.restricted_fields
    form = ApprovalForm(
        request.POST or None,
        initial=initial,
        restrictable=isinstance(subject, Practice),
        revision=subject.revision,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            workflow.record_approval(
                actor=request.user, subject=subject, data=form.cleaned_data, revision=form.revision
            )
        except StaleEditError as error:
            form.stale(error)
            status = 409
        except WorkflowError as error:
            failed(request, error)
        else:
            messages.success(request, _("The approval is recorded for the content as it stands now."))
            if isinstance(subject, Practice):
                return redirect("practices:manage", slug=subject.slug)
            return redirect("practices:case-study", slug=subject.slug)
    return render(
        request,
        "practices/approval.html",
        {"subject": subject, "form": form, "approvals": subject.approvals.all(), "kind": kind},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.manage", practice_at)
def decide(request: HttpRequest, practice: Practice) -> HttpResponse:
    finished = queries.finished_reviews(practice)
    suggested = queries.suggested_agreement(practice, finished)
    initial = {f"a-{code}": rating for code, rating in suggested.items() if rating}
    form = DecisionForm(request.POST or None, practice=practice, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = reviews.decide(
                actor=request.user,
                practice=practice,
                agreed=form.agreed(),
                rationale_en=form.cleaned_data["rationale_en"],
                rationale_fr=form.cleaned_data["rationale_fr"],
            )
        except WorkflowError as error:
            failed(request, error)
        else:
            messages.success(
                request, _("The decision is recorded: %(tier)s.") % {"tier": decision.get_tier_display()}
            )
            return redirect("practices:manage", slug=practice.slug)
    by_code = queries.ratings_by_criterion(finished)
    lang = language()
    rows = [
        {
            "criterion": c,
            "field": form[f"a-{c.code}"],
            "ratings": [(r, r.assignment.reviewer) for r in by_code.get(c.code, [])],
            "agreed": suggested.get(c.code),
        }
        for c in rubric.load().criteria(practice.indigenous)
    ]
    return render(
        request,
        "practices/decide.html",
        {"practice": practice, "form": form, "rows": rows, "reviews": finished, "lang": lang},
    )


@login_required
@require_POST
@permission_required("practices.manage")
def case_study_step(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    case = get_object_or_404(CaseStudy, slug=slug)
    try:
        if action == "publish":
            content.publish_case_study(actor=request.user, case=case)
            messages.success(request, _("The case study is published."))
        elif action == "withdraw":
            content.withdraw_case_study(actor=request.user, case=case)
            messages.success(request, _("The case study is withdrawn; it is a draft again."))
        else:
            raise Http404(_("There is no such step."))
    except WorkflowError as error:
        failed(request, error)
    return redirect("practices:case-study", slug=case.slug)


# Reviewers


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.review_practice", practice_at)
def review(request: HttpRequest, practice: Practice) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment, practice=practice, reviewer=request.user, round=practice.review_round
    )
    interests = InterestsForm(
        request.POST if request.POST.get("form") == "interests" else None,
        initial={"has_conflict": "yes" if assignment.has_conflict else "no", "note": assignment.conflict_note}
        if assignment.declared_at
        else None,
    )
    existing = {r.criterion: r for r in assignment.ratings.prefetch_related("evidence")}
    initial: dict[str, Any] = {}
    for code, rating in existing.items():
        initial.update(
            {
                f"r-{code}": rating.rating,
                f"c-{code}": rating.comment,
                f"e-{code}": list(rating.evidence.all()),
            }
        )
    ratings = RatingsForm(
        request.POST if request.POST.get("form") == "ratings" else None, practice=practice, initial=initial
    )
    if request.method == "POST":
        try:
            if request.POST.get("form") == "interests" and interests.is_valid():
                reviews.declare_interests(
                    actor=request.user,
                    assignment=assignment,
                    has_conflict=interests.cleaned_data["has_conflict"],
                    note=interests.cleaned_data["note"],
                )
                messages.success(request, _("Your declaration is recorded."))
                return redirect("practices:review", slug=practice.slug)
            if request.POST.get("form") == "ratings" and ratings.is_valid():
                finish = "finish" in request.POST
                reviews.rate(
                    actor=request.user, assignment=assignment, ratings=ratings.ratings(), finish=finish
                )
                messages.success(
                    request,
                    _("Your review is finished. Thank you.") if finish else _("Your ratings are saved."),
                )
                return redirect("practices:review", slug=practice.slug)
        except WorkflowError as error:
            failed(request, error)
    return render(
        request,
        "practices/review.html",
        {
            "practice": practice,
            "assignment": assignment,
            "interests": interests,
            "ratings": ratings,
            "questions": practice.questions.select_related("asked_by"),
            "ask_form": TextForm(),
            "lang": language(),
            "evidence": practice.evidence.all(),
            "rating_meanings": [
                (code, r["label"][language()], r["meaning"][language()])
                for code, r in rubric.load().ratings.items()
            ],
        },
    )
