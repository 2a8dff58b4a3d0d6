"""Case studies and the working group's page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carepath import audit, concurrency, links
from carepath.accounts.models import Actor
from carepath.errors import ServiceError
from carepath.validators import message as links_message

from ..models import CaseStudy, CaseStudySection, CaseStudySource, Practice, RegistryPage
from . import WorkflowError

BOTH = ("en", "fr")


class UnsafeSourceError(ServiceError, ValidationError):
    """A case study whose source links are not all http(s) addresses, each named (``sources[2].url``). A
    ValidationError too, so that ``load-registry`` names each as it names any invalid value."""


def _text(prefix: str, value: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{lang}": value.get(lang, "") for lang in BOTH}


@transaction.atomic
def save_case_study(*, actor: Actor, document: dict[str, Any]) -> CaseStudy:
    """Create or replace a case study from its document (see ``data/case_studies/``); it stays or becomes a
    draft when its content changes, so approved content is never swapped under an approval. A source link that
    is not an http(s) address refuses the document, naming it (``sources[2].url``)."""
    unsafe = {
        f"sources[{position}].url": [links_message()]
        for position, source in enumerate(document.get("sources", []))
        if source.get("url") and not links.is_safe(source["url"])
    }
    if unsafe:
        raise UnsafeSourceError(unsafe)
    case, created = CaseStudy.objects.get_or_create(
        slug=document["slug"],
        defaults={**_text("title", document["title"]), **_text("summary", document["summary"])},
    )
    for field in ("title", "summary"):
        for lang, value in _text(field, document[field]).items():
            setattr(case, lang, value)
    case.indigenous = bool(document.get("indigenous"))
    for lang, value in _text("indigenous_community", document.get("indigenous_community") or {}).items():
        setattr(case, lang, value)
    case.updated_by = actor
    case.save()
    case.sections.all().delete()
    case.sources.all().delete()
    for position, section in enumerate(document["sections"]):
        CaseStudySection.objects.create(
            case_study=case,
            position=position,
            figures=section.get("figures", []),
            **_text("heading", section["heading"]),
            **_text("body", section["body"]),
        )
    for position, source in enumerate(document.get("sources", [])):
        CaseStudySource.objects.create(
            case_study=case,
            position=position,
            publisher=source.get("publisher", ""),
            year=source.get("year"),
            url=source.get("url", ""),
            **_text("title", source["title"]),
        )
    slugs = document.get("practices", [])
    case.practices.set(Practice.objects.filter(slug__in=slugs))
    digest = case.compute_digest()
    if (
        not created
        and digest != case.digest
        and case.status == CaseStudy.Status.PUBLISHED
        and case.indigenous
    ):
        case.status = CaseStudy.Status.DRAFT
    case.digest = digest
    case.save(update_fields=["digest", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="practices.save_case_study",
        target=case,
        created=created,
        revision=case.revision if created else concurrency.bump(case),
    )
    return case


@transaction.atomic
def publish_case_study(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    if case.indigenous and not case.approval_current:
        raise WorkflowError(
            _(
                "This case study is about an Indigenous community or organization. Record %(community)s’s approval of the text as it stands before publishing."
            )
            % {"community": case.indigenous_community or _("the community")}
        )
    case.status = CaseStudy.Status.PUBLISHED
    case.published_at = timezone.now()
    case.updated_by = actor
    case.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    audit.record(actor=actor, action="practices.publish_case_study", target=case)
    return case


@transaction.atomic
def withdraw_case_study(*, actor: Actor, case: CaseStudy) -> CaseStudy:
    case.status = CaseStudy.Status.DRAFT
    case.updated_by = actor
    case.save(update_fields=["status", "updated_by", "updated_at"])
    audit.record(actor=actor, action="practices.withdraw_case_study", target=case)
    return case


PAGE_CHANGED = gettext_lazy(
    "Someone else changed the working group's page since you opened it: %(who)s, %(when)s."
)


@transaction.atomic
def save_registry_page(*, actor: Actor, data: dict[str, Any], revision: int | None = None) -> RegistryPage:
    """Save the working group's page from cleaned data, if nobody saved it since ``revision`` was read
    (``None``: whatever it is now)."""
    first = RegistryPage.objects.order_by("pk").values_list("pk", flat=True).first()
    page = (
        RegistryPage()
        if first is None
        else concurrency.lock(RegistryPage.objects.all(), first, revision, changed=PAGE_CHANGED)
    )
    for field, value in data.items():
        setattr(page, field, value)
    page.updated_by = actor
    page.save()
    audit.record(
        actor=actor,
        action="practices.save_registry_page",
        target=page,
        fields=sorted(data),
        revision=concurrency.bump(page),
    )
    return page
