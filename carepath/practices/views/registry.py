"""The public registry: search and filters, practice and case study pages, print views, how grading works,
and the working group's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carepath.accounts.access import permission_required
from carepath.concurrency import StaleEditError
from carepath.i18n import language

from .. import present, queries, rubric
from ..forms import RegistryFilterForm, RegistryPageForm
from ..models import CaseStudy, Organization, Practice
from ..services import content

PAGE_SIZE = 20


def index(request: HttpRequest) -> HttpResponse:
    lang = language()
    instrument = queries.current_instrument()
    strategies = (
        [(s["code"], f"{s['code']}. {s['title'][lang]}") for s in instrument.document["sections"]]
        if instrument
        else []
    )
    form = RegistryFilterForm(request.GET or None, strategies=strategies)
    practices = Practice.objects.public().prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.order_by("name"))
    )
    if form.is_valid():
        practices = queries.registry_filters(practices, form.cleaned_data)
    page = Paginator(practices.order_by("name_" + lang, "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practices/index.html",
        {
            "form": form,
            "page": page,
            "rows": [present.summary(p, lang) for p in page.object_list],
            "query": query.urlencode(),
            "case_studies": CaseStudy.objects.public().order_by("title_" + lang),
            "filtered": form.is_valid() and any(form.cleaned_data.values()),
        },
    )


def _practice(request: HttpRequest, slug: str) -> tuple[Practice, bool]:
    """The practice and whether the person sees it as the public does (restricted fields hidden)."""
    practice = queries.practice_at(slug)
    if not request.user.has_perm("practices.view_practice", practice):  # hidden, as if it were not there
        raise Http404(_("There is no published practice at this address."))
    return practice, not request.user.has_perm("practices.view_history", practice)


def detail(request: HttpRequest, slug: str, *, printing: bool = False) -> HttpResponse:
    practice, public = _practice(request, slug)
    context = present.practice(practice, language(), public=public)
    context["public"] = public
    if not public and not printing:
        context.update(_workflow_context(request, practice))
    return render(request, "practices/print.html" if printing else "practices/detail.html", context)


def print_view(request: HttpRequest, slug: str) -> HttpResponse:
    return detail(request, slug, printing=True)


def _workflow_context(request: HttpRequest, practice: Practice) -> dict[str, object]:
    user = request.user
    return {
        "can_edit": user.has_perm("practices.change_practice", practice),
        "can_submit": user.has_perm("practices.submit_practice", practice)
        and practice.status == Practice.Status.DRAFT,
        "can_manage": user.has_perm("practices.manage"),
        "can_review": user.has_perm("practices.review_practice", practice),
        "can_answer": user.has_perm("practices.answer_question", practice),
        "questions": list(practice.questions.select_related("asked_by", "answered_by")),
    }


def grading(request: HttpRequest) -> HttpResponse:
    """How practices are graded: the criteria and the rubric, from the same data the rubric runs on."""
    return render(request, "practices/grading.html", {"grading": rubric.load(), "lang": language()})


def case_study(request: HttpRequest, slug: str, *, printing: bool = False) -> HttpResponse:
    case = get_object_or_404(CaseStudy, slug=slug)
    public = not request.user.has_perm("practices.manage")
    if public and not case.is_public:
        raise Http404(_("There is no published case study at this address."))
    return render(
        request,
        "practices/case_study_print.html" if printing else "practices/case_study.html",
        {
            "case": case,
            "sections": case.sections.all(),
            "sources": list(case.sources.all()),
            "practices": case.practices.public() if public else case.practices.all(),
            "public": public,
        },
    )


def case_study_print(request: HttpRequest, slug: str) -> HttpResponse:
    return case_study(request, slug, printing=True)


def working_group(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practices/working_group.html",
        {"page": queries.registry_page(), "can_edit": request.user.has_perm("practices.manage")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("practices.manage")
def working_group_edit(request: HttpRequest) -> HttpResponse:
    page = queries.registry_page()
    initial = {
        f"{field}_{lang}": getattr(page, f"{field}_{lang}") or ""
        for field in ("purpose", "partners", "sponsors")
        for lang in ("en", "fr")
    }
    form = RegistryPageForm(
        request.POST or None, initial={**initial, "contact": page.contact}, revision=page.revision
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            content.save_registry_page(actor=request.user, data=form.cleaned_data, revision=form.revision)
        except StaleEditError as error:
            form.stale(error)
            status = 409
        else:
            messages.success(request, _("The working group's page is saved."))
            return redirect("practices:working-group")
    return render(request, "practices/working_group_edit.html", {"form": form}, status=status)
