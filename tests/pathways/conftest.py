"""Pathway versions and services for the pathway tests, made through the services and the HSDS importer."""

from __future__ import annotations

import datetime

from django.utils import timezone

from carepath.pathways import services
from carepath.pathways.models import PathwayVersion
from tests.factories import service


def add_version(community, n: int) -> None:
    """Version n of the community's pathway: the first published from the template, the others drafts from it."""
    if n == 1:
        services.publish_template(community=community)
    else:
        published = PathwayVersion.objects.get(pathway__community=community, number=1)
        services.start_draft(community=community, actor=None, from_version=published)


def approved(version: PathwayVersion, *approvers: str) -> PathwayVersion:
    """The version sent for review to the approvers named (Dr. Ada Lin when none is), each of whom approves it:
    its review is complete, and it publishes."""
    review = services.open_review(
        version=version,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        message="",
        invitees=[{"name": name, "role": "approver"} for name in approvers or ("Dr. Ada Lin",)],
        actor=None,
    )
    for invitation in review.invitations.all():
        services.approve(invitation=invitation, note="")
    return version


def publish_reviewed(version: PathwayVersion, actor=None) -> PathwayVersion:
    """Publish the version the way a table does: after a review its approvers approved."""
    return services.publish(version=approved(version), actor=actor)


def add_screening_clinic(import_file, n: int) -> None:
    import_file(
        service(
            f"clinic-{n}",
            name=f"Screening clinic {n}",
            terms=[("service-type/developmental-screening", None)],
        )
    )
