"""Pathway versions and services for the pathway tests, made through the services and the HSDS importer."""

from __future__ import annotations

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


def add_screening_clinic(import_file, n: int) -> None:
    import_file(
        service(
            f"clinic-{n}",
            name=f"Screening clinic {n}",
            terms=[("service-type/developmental-screening", None)],
        )
    )
