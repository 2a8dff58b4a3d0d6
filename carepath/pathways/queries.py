"""Reads of pathways: a version as plain data, which versions a person may see, where its review stands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import graph
from .models import Invitation, PathwayVersion, PathwayVersionQuerySet, Review


def graph_of(version: PathwayVersion) -> graph.Pathway:
    """A version as plain data, for the checks, the gap report, exports and the navigator."""
    steps = []
    for step in version.steps.prefetch_related("transitions"):
        steps.append(
            graph.Step(
                key=step.key,
                stage=step.stage,
                kind=step.kind,
                entry=step.entry,
                title={"en": step.title_en or "", "fr": step.title_fr or ""},
                text={lang: value for lang, value in (("en", step.text_en), ("fr", step.text_fr)) if value},
                service_types=list(step.service_types),
                tiers=list(step.tiers),
                concerns=list(step.concerns),
                sectors=list(step.sectors),
                age=graph.AgeRange(step.age_min, step.age_max),
                target_days=step.target_days,
                links=[
                    graph.Link(link["url"], dict(link["title"]), link.get("kind", "resource"))
                    for link in step.links
                ],
                transitions=[
                    graph.Transition(
                        to=t.to_key,
                        criteria=graph.Criteria.from_dict(t.criteria),
                        otherwise=t.otherwise,
                        label={
                            lang: value for lang, value in (("en", t.label_en), ("fr", t.label_fr)) if value
                        },
                    )
                    for t in step.transitions.all()
                ],
            )
        )
    return graph.Pathway(
        title={"en": version.title_en or "", "fr": version.title_fr or ""},
        description={
            lang: value
            for lang, value in (("en", version.description_en), ("fr", version.description_fr))
            if value
        },
        steps=steps,
        id=str(version.pathway_id),
        version=version.number,
        status=version.status,
        community=version.pathway.community.slug,
        source=version.pathway.source or None,
    )


def visible_versions(user: Any, community: Any) -> PathwayVersionQuerySet:
    """The community's versions the person may see: drafts and versions in review only for its members."""
    versions = PathwayVersion.objects.filter(pathway__community=community)
    if user.has_perm("communities.view_unpublished", community):
        return versions
    return versions.filter(status__in=[PathwayVersion.Status.PUBLISHED, PathwayVersion.Status.RETIRED])


@dataclass(frozen=True)
class SignOff:
    """Where a version's review stands for publishing: the open review (None when it has none), its named
    approvers who approved, those who have not, and how many comments are still open."""

    review: Review | None = None
    approved: list[Invitation] = field(default_factory=list)
    waiting: list[Invitation] = field(default_factory=list)
    open_comments: int = 0

    @property
    def complete(self) -> bool:
        """A review, with at least one named approver, and every one of them approved."""
        return self.review is not None and bool(self.approved) and not self.waiting


def sign_off(version: PathwayVersion) -> SignOff:
    review = version.reviews.filter(closed_at__isnull=True).first()
    if review is None:
        return SignOff()
    approvers = list(review.invitations.filter(role=Invitation.Role.APPROVER).order_by("approved_at", "name"))
    return SignOff(
        review=review,
        approved=[i for i in approvers if i.approved_at is not None],
        waiting=sorted((i for i in approvers if i.approved_at is None), key=lambda i: i.name),
        open_comments=review.comments.filter(resolved_at__isnull=True).count(),
    )


def approvals(versions: Iterable[PathwayVersion]) -> dict[int, list[Invitation]]:
    """The approvals given in the reviews of the versions, by version id, earliest first (one query)."""
    found: dict[int, list[Invitation]] = {}
    given = Invitation.objects.filter(
        review__version__in=[v.pk for v in versions],
        role=Invitation.Role.APPROVER,
        approved_at__isnull=False,
    ).select_related("review")
    for invitation in given.order_by("approved_at", "name"):
        found.setdefault(invitation.review.version_id, []).append(invitation)
    return found
