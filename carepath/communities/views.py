"""Community pages: the list, a community's inventory, one service, editing (importing and exporting files:
``transfers.py``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carepath import concurrency
from carepath.accounts.access import permission_required
from carepath.directory import search
from carepath.directory.forms import PhoneFormSet, PlaceFormSet, ServiceForm, phone_changes, place_initial
from carepath.directory.models import (
    Language,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from carepath.i18n import language_label, language_name
from carepath.paging import CappedPaginator

from . import services
from .forms import (
    CommunityForm,
    ElsewhereSearchForm,
    EntryForm,
    InventoryFilterForm,
    place_changes,
)
from .forms import PlaceFormSet as CommunityPlaceFormSet
from .models import Community, InventoryEntry, ListingReport
from .queries import (
    by_relevance,
    communities_with_counts,
    community_at,
    entry_at,
    inventory,
    listable_elsewhere,
    service_terms,
    spoken_in,
)

PAGE_SIZE = 20


def _open_reports(request: HttpRequest, community: Community) -> int | None:
    """How many reports about the listings the community keeps are open; None for those who may not see them."""
    if not request.user.has_perm("communities.see_reports", community):
        return None
    return ListingReport.objects.kept_by(community).open().count()


def _pages(find: Callable[..., QuerySet[InventoryEntry]], words: str) -> CappedPaginator:
    """The pages of what ``find`` finds, best match first for ``words``; when full text finds nothing for the
    words, the services whose name resembles them (a misspelt or partial name)."""
    results = find()
    paginator = CappedPaginator(results, PAGE_SIZE, ranked=by_relevance(results, words))
    if words and not paginator.count and search.full_text(results.db):
        results = find(fuzzy=True)
        paginator = CappedPaginator(results, PAGE_SIZE, ranked=by_relevance(results, words, fuzzy=True))
    return paginator


def home(request: HttpRequest) -> HttpResponse:
    """The site's front page: what Carepath does, and the communities with their published services."""
    return render(request, "home.html", {"communities": communities_with_counts()})


def community_list(request: HttpRequest) -> HttpResponse:
    return render(request, "communities/list.html", {"communities": communities_with_counts()})


@permission_required("communities.view_community", community_at)
def community_detail(request: HttpRequest, community: Community) -> HttpResponse:
    entries = InventoryEntry.objects.visible_to(request.user, community)
    languages = spoken_in(
        community, published_only=not request.user.has_perm("communities.view_unpublished", community)
    )
    lang = get_language() or "en"
    form = InventoryFilterForm(
        request.GET or None, languages=[(c, language_name(c, lang)) for c in languages]
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "q": form.cleaned_data["q"],
            "terms": form.selected_terms(),
            "age_months": form.cleaned_data["age_months"],
            "language": form.cleaned_data["language"],
        }
    page = _pages(partial(inventory, entries, **filters), filters.get("q", "")).get_page(
        request.GET.get("page")
    )
    terms = service_terms([entry.service_id for entry in page])
    for entry in page:
        entry.terms = terms.get(str(entry.service_id), [])  # type: ignore[attr-defined]
    context = {
        "community": community,
        "form": form,
        "page": page,
        "filtered": any(filters.values()) if filters else False,
        "can_edit": request.user.has_perm("communities.change_inventory", community),
        "can_manage": request.user.has_perm("communities.change_community", community),
        "open_reports": _open_reports(request, community),
        "can_see_unpublished": request.user.has_perm("communities.view_unpublished", community),
        "places": community.places.all(),
        "has_pathway": community.pathways.filter(versions__status="published").exists(),
    }
    template = (
        "communities/_results.html"
        if request.htmx and request.htmx.target == "results"
        else "communities/detail.html"
    )
    return render(request, template, context)


@permission_required("communities.view_community", community_at)
def service_detail(request: HttpRequest, community: Community, service_id: Any) -> HttpResponse:
    entry = entry_at(request.user, community, service_id)
    service = (
        Service.objects.filter(pk=entry.service_id)
        .select_related("organization", "steward")
        .prefetch_related(
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "location__addresses", "location__accessibility"
                ),
            ),
            Prefetch("phones", queryset=Phone.objects.order_by("number")),
            Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
            Prefetch("languages", queryset=Language.objects.order_by("code")),
            "cost_options",
            "required_documents",
            "service_areas",
            "contacts",
        )
        .get()
    )
    terms = service_terms([service.id]).get(str(service.id), [])
    lang = get_language() or "en"
    return render(
        request,
        "communities/service_detail.html",
        {
            "community": community,
            "entry": entry,
            "service": service,
            "terms": terms,
            "term_codes": [code for code, _ in terms],
            "wait_days": next((value for code, value in terms if code == "wait-days"), None),
            "populations": [(code, value) for code, value in terms if code.startswith("population/")],
            "language_names": [
                language_label(item.code, lang)
                if item.code and language_label(item.code, lang) != item.code
                else (item.name or item.code or "")
                for item in service.languages.all()
            ],
            "can_edit": request.user.has_perm("communities.change_inventory", community),
            "kept_here": service.steward_id == community.pk,
        },
    )


def _edit(request: HttpRequest, community: Community, entry: InventoryEntry | None) -> HttpResponse:
    if entry is not None and entry.service.steward_id != community.pk:
        return _edit_listing(request, community, entry)
    service = entry.service if entry is not None else Service(status=Service.Status.ACTIVE)
    current_terms = service_terms([service.pk]).get(str(service.pk), []) if entry is not None else []
    current_languages = (
        [lang.code for lang in service.languages.all() if lang.code] if entry is not None else []
    )
    data = request.POST or None
    form = ServiceForm(
        data,
        instance=service,
        terms=current_terms,
        languages=current_languages,
        steward=community,
        prefix="service",
    )
    phones = PhoneFormSet(data, instance=service, prefix="phones")
    places = PlaceFormSet(
        data, initial=place_initial(service) if entry is not None else None, prefix="places"
    )
    entry_form = EntryForm(data, instance=entry or InventoryEntry(community=community), prefix="entry")
    forms_ok = all([form.is_valid(), phones.is_valid(), places.is_valid(), entry_form.is_valid()])
    refused, stale = None, False
    if request.method == "POST" and forms_ok:
        try:
            saved = services.save_service(
                community=community,
                service_id=entry.service_id if entry is not None else None,
                revision=form.revision if entry is not None else None,
                fields={name: form.cleaned_data[name] for name in ServiceForm.Meta.fields},
                new_organization=form.cleaned_data["new_organization"],
                terms=form.chosen_terms(),
                languages=form.cleaned_data["languages"],
                phones=phone_changes(phones),
                places=[
                    f.cleaned_data
                    for f in places.forms
                    if f.has_changed() or f.initial
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")
                ],
                removed_places=[
                    f.cleaned_data.get("location_id") for f in places.deleted_forms if f.cleaned_data
                ],
                entry={name: entry_form.cleaned_data[name] for name in EntryForm.Meta.fields},
                actor=request.user,
            )
        except services.NotKeptError as error:
            refused = error
        except services.NotListedError:  # removed from the inventory since the page was read
            raise Http404(_("This community no longer lists this service.")) from None
        except concurrency.StaleEditError as error:
            form.stale(error)
            stale = True
        else:
            messages.success(request, _("The service was saved."))
            return redirect("communities:service", slug=community.slug, service_id=saved.pk)
    return render(
        request,
        "communities/service_form.html",
        {
            "community": community,
            "form": form,
            "phones": phones,
            "places": places,
            "entry_form": entry_form,
            "entry": entry,
            "refused": refused,
        },
        status=409 if refused or stale else 400 if request.method == "POST" else 200,
    )


def _edit_listing(request: HttpRequest, community: Community, entry: InventoryEntry) -> HttpResponse:
    """A service another community keeps: this community changes only how it lists it."""
    form = EntryForm(request.POST or None, instance=entry, prefix="entry")
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                entry=entry,
                revision=form.revision,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in EntryForm.Meta.fields},
            )
        except concurrency.StaleEditError as error:
            form.stale(error)
            status = 409
        else:
            messages.success(request, _("The service was saved."))
            return redirect("communities:service", slug=community.slug, service_id=entry.service_id)
    return render(
        request,
        "communities/listing_form.html",
        {"community": community, "entry_form": form, "entry": entry, "steward": entry.service.steward},
        status=status,
    )


@permission_required("communities.change_inventory", community_at)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, community: Community, service_id: Any) -> HttpResponse:
    return _edit(request, community, entry_at(request.user, community, service_id))


@permission_required("communities.change_inventory", community_at)
@require_http_methods(["GET", "POST"])
def service_add(request: HttpRequest, community: Community) -> HttpResponse:
    return _edit(request, community, None)


@permission_required("communities.change_inventory", community_at)
@require_http_methods(["GET", "POST"])
def list_from_elsewhere(request: HttpRequest, community: Community) -> HttpResponse:
    """Find a service another community keeps and publishes, and list it here with local notes."""
    if request.method == "POST":
        try:
            entry = services.list_from_elsewhere(
                community=community, service_id=request.POST.get("service"), actor=request.user
            )
        except (services.NotListableError, ValidationError):
            messages.error(request, _("This service cannot be listed here: choose one from the list."))
            return redirect("communities:list-elsewhere", slug=community.slug)
        messages.success(
            request,
            _("%(name)s is now in your inventory. Add how to refer to it locally.")
            % {"name": entry.service.name},
        )
        return redirect("communities:service-edit", slug=community.slug, service_id=entry.service_id)
    form = ElsewhereSearchForm(request.GET or None)
    words = form.cleaned_data["q"] if form.is_valid() else ""
    page = _pages(partial(listable_elsewhere, community, words), words).get_page(request.GET.get("page"))
    return render(
        request, "communities/list_elsewhere.html", {"community": community, "form": form, "page": page}
    )


@permission_required("communities.change_inventory", community_at)
@require_http_methods(["GET", "POST"])
def service_remove(request: HttpRequest, community: Community, service_id: Any) -> HttpResponse:
    entry = entry_at(request.user, community, service_id)
    if request.method == "POST":
        name = entry.service.name
        services.remove_from_inventory(entry=entry, actor=request.user)
        messages.success(request, _("%(name)s was removed from the inventory.") % {"name": name})
        return redirect("communities:detail", slug=community.slug)
    return render(request, "communities/service_remove.html", {"community": community, "entry": entry})


@permission_required("communities.change_community", community_at)
@require_http_methods(["GET", "POST"])
def community_settings(request: HttpRequest, community: Community) -> HttpResponse:
    form = CommunityForm(request.POST or None, instance=community, prefix="community")
    places = CommunityPlaceFormSet(request.POST or None, instance=community, prefix="places")
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid() and places.is_valid():
        try:
            services.save_settings(
                community_id=community.pk,
                revision=form.revision,
                fields={name: form.cleaned_data[name] for name in CommunityForm.Meta.fields},
                places=place_changes(places),
                actor=request.user,
            )
        except concurrency.StaleEditError as error:
            form.stale(error)
            status = 409
        else:
            messages.success(request, _("The community was saved."))
            return redirect("communities:settings", slug=community.slug)
    members = community.memberships.select_related("user").order_by("role", "user__username")
    return render(
        request,
        "communities/settings.html",
        {
            "community": community,
            "form": form,
            "places": places,
            "members": members,
            "open_reports": _open_reports(request, community),
        },
        status=status,
    )
