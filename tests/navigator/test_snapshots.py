"""The navigator's copies: one token per community, and a slow rebuild that never holds up a request."""

from __future__ import annotations

import time

import pytest

from carepath import versions
from carepath.communities.services import add_to_inventory
from carepath.directory.models import Language, Organization, Service
from carepath.navigator import queries, snapshots
from carepath.pathways.services import publish_template
from tests.factories import service, uid
from tests.navigator.test_api import REQUEST, post


def hillcrest_line(name="Line"):
    """A service of Hillcrest's own organization, at no place (Lakeside's services share theirs)."""
    organization = {"id": uid("org:hillcrest"), "name": "Hillcrest Crisis Line", "description": "A line."}
    return service("line", name=name, organization=organization, service_at_locations=[])


@pytest.fixture
def two(community, other_community, import_file):
    """Lakeside keeps a clinic and a group; Hillcrest keeps a line and lists Lakeside's group too."""
    import_file([service("clinic", name="Clinic"), service("group", name="Group")])
    import_file([hillcrest_line()], community="hillcrest")
    group = Service.objects.get(name_en="Group")
    add_to_inventory(community=other_community, service_ids=[group.pk])
    return community, other_community


def tokens(*communities):
    return [versions.current_for(c.pk) for c in communities]


def test_a_change_makes_stale_only_the_communities_that_list_the_service(two):
    lakeside, hillcrest = two
    before = tokens(lakeside, hillcrest)
    clinic = Service.objects.get(name_en="Clinic")
    clinic.name_en = "Clinic (renamed)"
    clinic.save()
    after = tokens(lakeside, hillcrest)
    assert after[0] != before[0] and after[1] == before[1]

    Language.objects.create(service=Service.objects.get(name_en="Group"), code="fr")  # listed by both
    again = tokens(lakeside, hillcrest)
    assert again[0] != after[0] and again[1] != after[1]


def test_an_organization_s_new_name_reaches_every_community_listing_its_services(two):
    lakeside, hillcrest = two
    before = tokens(lakeside, hillcrest)
    organization = Organization.objects.get(name_en="Lakeside Family Services")
    organization.name_en = "Lakeside Family Services (new name)"
    organization.save()
    after = tokens(lakeside, hillcrest)
    assert after[0] != before[0] and after[1] != before[1]  # Hillcrest lists Lakeside's group


def test_an_import_makes_stale_the_importer_and_the_communities_listing_its_services(two, import_file):
    lakeside, hillcrest = two
    before = tokens(lakeside, hillcrest)
    import_file([hillcrest_line("Line, open all night")], community="hillcrest")
    after = tokens(lakeside, hillcrest)
    assert after[0] == before[0] and after[1] != before[1]
    import_file([service("clinic", name="Clinic, now with evenings")])
    assert tokens(lakeside, hillcrest) != after  # Hillcrest lists one of Lakeside's services


def test_a_community_s_copy_is_rebuilt_only_when_it_changed(two):
    lakeside, hillcrest = two
    first_lakeside, first_hillcrest = snapshots.directory(lakeside), snapshots.directory(hillcrest)
    clinic = Service.objects.get(name_en="Clinic")
    clinic.status = "inactive"
    clinic.save()
    assert snapshots.directory(hillcrest) is first_hillcrest
    rebuilt = snapshots.directory(lakeside)
    assert rebuilt is not first_lakeside and str(clinic.pk) not in rebuilt.index


@pytest.mark.django_db(
    transaction=True
)  # the rebuilding thread reads what the test wrote: it must be committed
def test_a_slow_rebuild_keeps_serving_the_older_copy_until_the_new_one_is_ready(
    community, import_file, monkeypatch
):
    import_file([service("clinic", name="Clinic")])
    first = snapshots.directory(community)
    monkeypatch.setattr(snapshots, "BACKGROUND_FROM", 0)  # every copy counts as large: rebuilt in a thread
    clinic = Service.objects.get(name_en="Clinic")
    clinic.status = "inactive"
    clinic.save()
    assert snapshots.directory(community) is first  # answered at once, from the older copy
    deadline = time.monotonic() + 30
    while snapshots.building() and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuilt = snapshots.directory(community)
    assert rebuilt is not first and str(clinic.pk) not in rebuilt.index
    assert snapshots.directory(community) is rebuilt


@pytest.mark.django_db(transaction=True)
def test_the_worker_that_wrote_rebuilds_its_slow_copies_once_the_write_commits(
    community, import_file, monkeypatch
):
    import_file([service("clinic", name="Clinic")])
    first = snapshots.directory(community)
    monkeypatch.setattr(snapshots, "BACKGROUND_FROM", 0)
    import_file([service("group", name="Group")])  # commits: versions.changed reaches the snapshots
    deadline = time.monotonic() + 30
    while snapshots._directories[community.pk].directory is first and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuilt = snapshots._directories[community.pk]
    assert rebuilt.version == versions.current_for(community.pk) and rebuilt.directory.size == 2


def test_the_published_version_is_asked_of_the_database_only_after_a_version_was_saved(
    community, django_assert_num_queries
):
    first = publish_template(community=community)
    version, _steps = snapshots.published(community)
    assert version == first
    with django_assert_num_queries(1):  # the community's tokens, nothing else
        assert snapshots.published(community)[0] == first
    second = publish_template(community=community)  # a new version, published: the first retires
    assert second != first
    assert snapshots.published(community)[0] == second


def test_a_worker_keeps_the_services_its_budget_allows_the_least_recently_built_go_first(two, settings):
    lakeside, hillcrest = two
    settings.CAREPATH_NAVIGATOR_KEEP_SERVICES = 3  # Lakeside has 2 services, Hillcrest 2
    first = snapshots.directory(lakeside)
    snapshots.directory(hillcrest)
    assert set(snapshots._directories) == {hillcrest.pk}  # 4 services would pass the budget
    assert snapshots.directory(lakeside) is not first  # built again when asked
    settings.CAREPATH_NAVIGATOR_KEEP_SERVICES = 4
    snapshots.directory(hillcrest)
    assert set(snapshots._directories) == {lakeside.pk, hillcrest.pk}


def test_a_community_and_its_tokens_are_read_in_one_query_as_versions_reads_them(
    two, django_assert_num_queries
):
    lakeside, hillcrest = two
    publish_template(community=lakeside)
    for community in (lakeside, hillcrest):
        with django_assert_num_queries(1):
            found, tokens = queries.community_and_tokens(community.slug)
        assert (found.pk, found.name, found.name_fr) == (community.pk, community.name, community.name_fr)
        assert tokens == versions.tokens(community.pk)
    assert versions.tokens(hillcrest.pk)[1] == ""  # no pathway version saved yet: read as the empty token
    unknown = queries.community_and_tokens("nowhere")
    assert (unknown.status, unknown.message) == (404, "There is no community nowhere.")


def test_a_match_is_three_statements_the_limit_the_community_with_its_tokens_and_the_contacts(
    client, demo, django_assert_num_queries
):
    assert post(client, REQUEST).status_code == 200  # builds the copy and reads the published version
    with django_assert_num_queries(3) as done:
        answer = post(client, REQUEST)
    assert answer.status_code == 200 and answer.json()["recommendations"]
    assert [query["sql"].split()[0] for query in done.captured_queries] == ["INSERT", "SELECT", "SELECT"]
