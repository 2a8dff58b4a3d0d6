"""Reads of communities and their inventories."""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from carepath import i18n
from carepath.accounts.models import Membership, User
from carepath.directory import search
from carepath.directory.hsds.problems import Problem
from carepath.directory.models import Attribute, Language, Service
from carepath.directory.services import ImportResult
from carepath.directory.vocabulary import load as load_vocabulary

from .models import Community, ImportJob, InventoryEntry


def community_at(slug: str) -> Community:
    """The community a page's URL names (404 for none): what ``permission_required`` checks on."""
    return get_object_or_404(Community, slug=slug)


def entry_at(user: Any, community: Community, service_id: Any) -> InventoryEntry:
    """The community's entry for a service, as the person may see it (404 when it is not listed or not yet
    published for them)."""
    entry = (
        InventoryEntry.objects.visible_to(user, community)
        .select_related("service", "service__organization", "service__steward")
        .filter(service_id=service_id)
        .first()
    )
    if entry is None:
        raise Http404(_("This service is not in the community's inventory."))
    return entry


def communities_with_counts() -> QuerySet[Community]:
    return Community.objects.annotate(
        published_services=Count("entries", filter=Q(entries__published=True))
    ).order_by(Lower(Coalesce(f"name_{i18n.language()}", "name_en", output_field=CharField())))


def name_order(path: str = "service__") -> list[Any]:
    """The order of services by name in the page's language (French falls back to English), then id: the
    order of an index (directory migration 0008), so a page is read from it rather than sorted."""
    lang = i18n.language()
    name = Lower(f"{path}name_en") if lang == "en" else Lower(Coalesce(f"{path}name_fr", f"{path}name_en"))
    return [name, f"{path}id"]


def inventory(
    entries: QuerySet[InventoryEntry],
    *,
    q: str = "",
    terms: list[str] | None = None,
    age_months: int | None = None,
    language: str = "",
    status: str = "",
    fuzzy: bool = False,
) -> QuerySet[InventoryEntry]:
    """Entries whose services match the filters, by name; terms of one branch are alternatives (any of);
    ``fuzzy``: services whose name resembles the words ``q`` (``Service.objects.search``)."""
    services = Service.objects.all()
    if q:
        services = services.search(q, fuzzy=fuzzy)
    if age_months is not None:
        services = services.for_age(age_months)
    if language:
        services = services.filter(languages__code__iexact=language)
    if status:
        services = services.filter(status=status)
    vocab = load_vocabulary()
    by_branch: dict[str, list[str]] = {}
    for code in terms or []:
        term = vocab.terms.get(code)
        if term is not None:
            by_branch.setdefault(term.branch, []).append(term.id)
    for ids in by_branch.values():
        services = services.filter(
            id__in=Attribute.objects.of_services().filter(taxonomy_term_id__in=ids).values("link_id")
        )
    if q or age_months is not None or language or status or by_branch:  # else no service to leave out
        entries = entries.filter(service__in=services.values("id"))
    return (
        entries.select_related("service", "service__organization")
        .prefetch_related(
            Prefetch("service__languages", queryset=Language.objects.order_by("code")),
        )
        .order_by(*name_order())
    )


def by_relevance(
    results: QuerySet[InventoryEntry], q: str, *, fuzzy: bool = False
) -> QuerySet[InventoryEntry] | None:
    """The same entries, best match for the words first in the page's language (``fuzzy``: found by their
    names); None where the database ranks nothing (SQLite: the list's own order)."""
    if not q or not search.full_text(results.db):
        return None
    return results.order_by(search.rank(q, path="service__", fuzzy=fuzzy).desc(), *name_order())


def spoken_in(community: Community, *, published_only: bool) -> list[str]:
    """The language codes (lower case, sorted) of the services in the community's inventory (``published_only``:
    of its published entries; whether their stewards publish them too is not asked, for a list of choices).

    One query whatever the inventory's size: it skips through the index on language codes, one probe per code
    the directory holds (a loose index scan), and asks for each whether a service listed here speaks it, instead
    of reading the languages of every service listed."""
    connection = connections[router.db_for_read(Language)]  # the replica's, when there is one
    language = connection.ops.quote_name(Language._meta.db_table)
    entry = connection.ops.quote_name(InventoryEntry._meta.db_table)
    published = connection.ops.quote_name(InventoryEntry._meta.get_field("published").column)
    sql = (
        f"WITH RECURSIVE codes(code) AS (SELECT MIN(code) FROM {language} UNION ALL "  # noqa: S608 - names, no input
        f"SELECT (SELECT MIN(code) FROM {language} WHERE code > codes.code) FROM codes WHERE code IS NOT NULL) "
        # A subquery per code, not EXISTS: the planner would turn that into one join of every language row.
        f"SELECT code FROM codes WHERE code IS NOT NULL AND (SELECT 1 FROM {language} l "
        f"JOIN {entry} e ON e.service_id = l.service_id WHERE l.code = codes.code AND e.community_id = %s"
        f"{f' AND e.{published}' if published_only else ''} LIMIT 1) = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [community.pk])
        return sorted({code.lower() for (code,) in cursor.fetchall() if code})


def service_terms(service_ids: list[Any]) -> dict[str, list[tuple[str, str | None]]]:
    """The carepath terms on each service: service id -> [(code, value)], in one query."""
    result: dict[str, list[tuple[str, str | None]]] = {}
    by_id = load_vocabulary().by_id()
    rows = (
        Attribute.objects.of_services()
        .filter(link_id__in=service_ids, taxonomy_term_id__in=list(by_id))
        .values_list("link_id", "taxonomy_term_id", "value")
    )
    for link_id, term_id, value in rows:
        term = by_id.get(str(term_id))
        if term is not None:
            result.setdefault(str(link_id), []).append((term.code, value))
    for codes in result.values():
        codes.sort()
    return result


def published_services(community: Community) -> QuerySet[Service]:
    """The services of the community's inventory that are published (any status)."""
    return Service.objects.filter(
        id__in=InventoryEntry.objects.filter(community=community).published().values("service_id")
    )


def listable_elsewhere(community: Community, q: str = "", *, fuzzy: bool = False) -> QuerySet[InventoryEntry]:
    """Services other communities keep and publish, that this community does not list yet: each once, as its
    steward's inventory entry."""
    services = Service.objects.exclude(steward_id=community.pk).exclude(
        inventory_entries__community=community
    )
    if q:
        services = services.search(q, fuzzy=fuzzy)
    return (
        InventoryEntry.objects.published()
        .filter(community_id=F("service__steward_id"), service__in=services.values("id"))
        .select_related("service", "service__organization", "community")
        .order_by(*name_order())
    )


def report_recipients(steward: Community | None) -> list[User]:
    """Who is told of a report about a listing: the facilitators of the community that keeps it; for what
    the site keeps (or a community with no facilitator who can get e-mail), the site administrators."""
    people = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    if steward is not None:
        facilitators = list(
            people.filter(memberships__community=steward, memberships__role=Membership.Role.FACILITATOR)
        )
        if facilitators:
            return facilitators
    return list(people.filter(is_staff=True))


def import_job_at(community: Community, job_id: Any) -> ImportJob:
    """One of the community's import jobs (404 for another community's, or none)."""
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id, community=community)


def recent_import_jobs(community: Community, limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(community=community).select_related("created_by")[:limit]


def import_job_result(job: ImportJob) -> ImportResult | None:
    """A finished import's result as the import gave it (problems in the reader's language), None before."""
    if job.status != ImportJob.Status.DONE:
        return None
    saved = job.result
    return ImportResult(
        problems=[Problem(**problem) for problem in saved.get("problems", [])],
        counts=saved.get("counts", {}),
        left_out=saved.get("left_out", {}),
        added_to_inventory=saved.get("added_to_inventory", 0),
    )
