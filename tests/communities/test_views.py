"""Community pages: who may see and change what, filters, the web import, and query counts."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carepath.accounts.services import set_membership
from carepath.communities.models import InventoryEntry, Place
from carepath.communities.services import get_or_create_community, save_community_description
from carepath.directory.models import Attribute, Location, Phone, Service, ServiceAtLocation
from carepath.models import AuditEntry
from tests.conftest import PASSWORD, _user
from tests.factories import service, term_id, uid
from tests.query_counts import assert_queries_do_not_grow, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory(import_file, community):
    import_file(
        [
            service(
                "speech",
                name="Preschool speech and language",
                minimum_age=0,
                maximum_age=6,
                languages=("en", "fr"),
                terms=[
                    ("service-type/speech-language", None),
                    ("delivery/in-person", None),
                    ("sector/developmental-services", None),
                ],
            ),
            service(
                "counsel",
                name="Child-parent counselling",
                minimum_age=0,
                maximum_age=18,
                terms=[
                    ("service-type/counselling-therapy", None),
                    ("delivery/virtual", None),
                    ("sector/childrens-mental-health", None),
                ],
            ),
            service("teens", name="Teen drop-in", minimum_age=12, maximum_age=18, languages=("oj",)),
        ]
    )
    return community


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def page_names(response) -> list[str]:
    return [entry.service.name for entry in response.context["page"]]


def test_anyone_can_browse_a_published_inventory(client, inventory):
    response = client.get(f"/en/communities/{inventory.slug}/")
    assert response.status_code == 200
    assert page_names(response) == [
        "Child-parent counselling",
        "Preschool speech and language",
        "Teen drop-in",
    ]
    assert b"Add a service" not in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=speech", ["Preschool speech and language"]),
        ("age_months=150", ["Child-parent counselling", "Teen drop-in"]),
        ("language=oj", ["Teen drop-in"]),
        ("term=delivery/virtual", ["Child-parent counselling"]),
        (
            "term=delivery/virtual&term=delivery/in-person",
            ["Child-parent counselling", "Preschool speech and language"],
        ),
        ("term=delivery/virtual&term=sector/developmental-services", []),
        ("age_months=-4", ["Child-parent counselling", "Preschool speech and language", "Teen drop-in"]),
    ],
)
def test_filters(client, inventory, query, expected):
    response = client.get(f"/en/communities/{inventory.slug}/?{query}")
    assert response.status_code == 200
    assert page_names(response) == expected


def test_the_language_filter_offers_the_languages_services_here_speak_in_any_case(
    client, import_file, inventory, member, other_community
):
    import_file(service("cree", name="Cree story time", languages=("CR",)))
    import_file(service("elsewhere", name="Somali circle", languages=("so",)), community=other_community.slug)
    InventoryEntry.objects.filter(service_id=uid("service:teens")).update(published=False)

    def offered() -> list[str]:
        return [
            code
            for code, _ in client.get("/en/communities/lakeside/").context["form"].fields["language"].choices
        ]

    assert offered() == ["", "cr", "en", "fr"]  # not Ojibwe: only an unpublished service speaks it
    assert [e.service.name for e in client.get("/en/communities/lakeside/?language=cr").context["page"]] == [
        "Cree story time"
    ]
    login(client, member)
    assert offered() == ["", "cr", "en", "fr", "oj"]


def test_htmx_filter_returns_only_the_results(client, inventory):
    response = client.get(
        f"/en/communities/{inventory.slug}/?q=teen", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<section id="results"')
    assert b"Teen drop-in" in response.content


def test_unpublished_services_are_hidden_from_visitors_and_outsiders(client, inventory, member, outsider):
    InventoryEntry.objects.filter(service_id=uid("service:teens")).update(published=False)
    teen_page = f"/en/communities/{inventory.slug}/services/{uid('service:teens')}/"
    assert "Teen drop-in" not in page_names(client.get(f"/en/communities/{inventory.slug}/"))
    assert client.get(teen_page).status_code == 404
    login(client, outsider)
    assert client.get(teen_page).status_code == 404
    login(client, member)
    assert "Teen drop-in" in page_names(client.get(f"/en/communities/{inventory.slug}/"))
    assert client.get(teen_page).status_code == 200


def test_service_page_shows_what_families_need(client, inventory):
    response = client.get(f"/fr/communities/{inventory.slug}/services/{uid('service:speech')}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "705-555-0100" in content and "1 Main St" in content
    assert "Orthophonie préscolaire" in content  # the vocabulary label, in French
    assert '<html lang="fr">' in content


EDIT_PAGES = [
    ("get", "/en/communities/lakeside/settings/"),
    ("get", "/en/communities/lakeside/services/add/"),
    ("get", f"/en/communities/lakeside/services/{uid('service:speech')}/edit/"),
    ("get", f"/en/communities/lakeside/services/{uid('service:speech')}/remove/"),
    ("get", "/en/communities/lakeside/import/"),
    ("post", f"/en/communities/lakeside/services/{uid('service:speech')}/remove/"),
]


@pytest.mark.parametrize(("method", "path"), EDIT_PAGES)
def test_visitors_are_sent_to_sign_in(client, inventory, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


@pytest.mark.parametrize(("method", "path"), EDIT_PAGES)
@pytest.mark.parametrize("who", ["member", "outsider"])
def test_members_and_outsiders_cannot_change_the_inventory(
    client, inventory, member, outsider, method, path, who
):
    login(client, {"member": member, "outsider": outsider}[who])
    assert getattr(client, method)(path).status_code == 403
    assert InventoryEntry.objects.filter(community=inventory).count() == 3


@pytest.mark.parametrize(("method", "path"), EDIT_PAGES[:5])
@pytest.mark.parametrize("who", ["facilitator", "admin_user"])
def test_facilitators_and_site_admins_can(client, inventory, facilitator, admin_user, method, path, who):
    login(client, {"facilitator": facilitator, "admin_user": admin_user}[who])
    assert getattr(client, method)(path).status_code == 200


def service_form(**changes) -> dict:
    data = {
        "service-organization": uid("org:main"),
        "service-status": "active",
        "service-name_en": "Preschool speech and language",
        "service-name_fr": "Orthophonie préscolaire",
        "service-description_en": "Help with talking.",
        "service-description_fr": "De l'aide pour parler.",
        "service-minimum_age": "0",
        "service-maximum_age": "5.5",
        "service-languages": "en, fr",
        "service-terms_service-type": ["service-type/speech-language"],
        "service-terms_delivery": ["delivery/home-visit"],
        "service-population_francophone": "focus",
        "service-wait_days": "45",
        "entry-published": "on",
        "entry-referral_notes_en": "Call intake.",
        "entry-referral_notes_fr": "Appelez l'accueil.",
        "entry-local_contact": "Dana, intake",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
        "places-TOTAL_FORMS": "0",
        "places-INITIAL_FORMS": "0",
        "service-revision": "0",
        "entry-revision": "0",
    }
    data.update(changes)
    return data


def test_facilitator_edits_a_service_in_both_languages(client, inventory, facilitator):
    login(client, facilitator)
    response = client.post(f"/en/communities/lakeside/services/{uid('service:speech')}/edit/", service_form())
    assert response.status_code == 302
    record = Service.objects.get(pk=uid("service:speech"))
    assert (record.name_fr, record.description_fr, record.maximum_age) == (
        "Orthophonie préscolaire",
        "De l'aide pour parler.",
        5.5,
    )
    terms = dict(Attribute.objects.filter(link_id=record.pk).values_list("taxonomy_term_id", "value"))
    assert {str(k): v for k, v in terms.items()} == {
        term_id("service-type/speech-language"): None,
        term_id("delivery/home-visit"): None,
        term_id("population/francophone"): "focus",
        term_id("wait-days"): "45",
    }
    entry = InventoryEntry.objects.get(service=record)
    assert (entry.referral_notes_fr, entry.local_contact) == ("Appelez l'accueil.", "Dana, intake")
    assert AuditEntry.objects.filter(action="directory.update_service", target_id=str(record.pk)).exists()


def test_bad_service_form_is_refused_with_the_fields_named(client, inventory, facilitator):
    login(client, facilitator)
    response = client.post(
        f"/en/communities/lakeside/services/{uid('service:speech')}/edit/",
        service_form(
            **{
                "service-minimum_age": "7",
                "service-maximum_age": "3",
                "service-languages": "english!",
                "service-name_en": "",
            }
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"maximum_age", "languages", "name_en"}
    assert Service.objects.get(pk=uid("service:speech")).maximum_age == 6


def test_facilitator_adds_and_removes_a_service(client, inventory, facilitator):
    login(client, facilitator)
    response = client.post(
        "/en/communities/lakeside/services/add/", service_form(**{"service-name_en": "New group"})
    )
    assert response.status_code == 302
    created = Service.objects.get(name_en="New group")
    assert InventoryEntry.objects.filter(community=inventory, service=created).exists()
    response = client.post(f"/en/communities/lakeside/services/{created.pk}/remove/")
    assert response.status_code == 302
    assert not InventoryEntry.objects.filter(community=inventory, service=created).exists()


def test_web_import_shows_every_problem_and_writes_nothing(client, community, facilitator):
    login(client, facilitator)
    upload = SimpleUploadedFile(
        "broken.json", json.dumps([service("x", status="open", maximum_age="six")]).encode()
    )
    response = client.post(
        "/en/communities/lakeside/import/", {"file": upload, "language": "en"}, follow=True
    )
    assert response.status_code == 422
    rows = response.context["result"].problem_rows()
    assert [(r["where"], r["field"]) for r in rows] == [
        (f"broken.json, [0], service {uid('service:x')}", "maximum_age"),
        (f"broken.json, [0], service {uid('service:x')}", "status"),
    ]
    assert b"broken.json was not imported." in response.content
    assert Service.objects.count() == 0


def test_web_import_in_french_shows_french_problems(client, community, facilitator):
    login(client, facilitator)
    upload = SimpleUploadedFile("cassé.json", b"[{")
    response = client.post(
        "/fr/communities/lakeside/import/", {"file": upload, "language": "fr"}, follow=True
    )
    assert response.status_code == 422
    assert "Le JSON est invalide" in response.content.decode()


def test_web_import_summarises_what_changed(client, community, facilitator):
    login(client, facilitator)
    upload = SimpleUploadedFile("good.json", json.dumps([service("x"), service("y")]).encode())
    response = client.post(
        "/en/communities/lakeside/import/", {"file": upload, "language": "en"}, follow=True
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and result.counts["service"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert result.added_to_inventory == 2


def test_web_import_refuses_other_file_types(client, community, facilitator):
    login(client, facilitator)
    upload = SimpleUploadedFile("notes.txt", b"hello")
    response = client.post(
        "/en/communities/lakeside/import/", {"file": upload, "language": "en"}, follow=True
    )
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_exports_download(client, inventory):
    response = client.get("/en/communities/lakeside/export.json")
    assert response["Content-Disposition"] == 'attachment; filename="lakeside-hsds-en.json"'
    assert len(json.loads(b"".join(response.streaming_content))) == 3
    assert client.get("/fr/communities/lakeside/export.zip")["Content-Type"] == "application/zip"


@pytest.mark.parametrize("path", ["/en/communities/", "/en/"])
def test_the_community_lists_take_the_same_queries_for_one_service_listed_or_three(
    client, import_file, community, path
):
    assert_queries_do_not_grow(
        add=lambda n: import_file(service(f"s{n}")),
        fetch=page(client, path),
        shown=lambda html: int(re.search(r"<p>(\d+) services? listed</p>", html).group(1)),
    )


def test_the_inventory_takes_the_same_queries_for_one_service_or_three_for_a_visitor(
    client, import_file, community
):
    assert_queries_do_not_grow(
        add=lambda n: import_file(service(f"s{n}")),
        fetch=page(client, "/en/communities/lakeside/"),
        shown=lambda html: html.count('<li class="result">'),
    )


@pytest.mark.parametrize("path", ["/en/communities/", "/en/"])
def test_the_community_lists_take_the_same_queries_for_one_community_or_three(client, db, path):
    assert_queries_do_not_grow(
        add=lambda n: get_or_create_community(slug=f"table-{n}", name=f"Table {n}"),
        fetch=page(client, path),
        shown=lambda html: html.count('<li class="card">'),
    )


def test_the_inventory_takes_the_same_queries_for_one_service_or_three_for_its_facilitator(
    client, import_file, facilitator
):
    login(client, facilitator)
    assert_queries_do_not_grow(
        add=lambda n: import_file(service(f"s{n}", terms=[("service-type/parenting-support", None)])),
        fetch=page(client, "/en/communities/lakeside/"),
        shown=lambda html: html.count('<li class="result">'),
    )


@pytest.mark.parametrize("query", ["q=families", "q=families&age_months=30", "term=delivery/group"])
def test_a_searched_or_filtered_inventory_takes_the_same_queries_for_one_service_or_three(
    client, import_file, community, query
):
    assert_queries_do_not_grow(
        add=lambda n: import_file(service(f"s{n}", terms=[("delivery/group", None)])),
        fetch=page(client, f"/en/communities/lakeside/?{query}"),
        shown=lambda html: html.count('<li class="result">'),
    )


def test_the_list_from_elsewhere_takes_the_same_queries_for_one_service_or_three(
    client, import_file, facilitator, other_community
):
    login(client, facilitator)
    assert_queries_do_not_grow(
        add=lambda n: import_file(service(f"s{n}"), community=other_community.slug),
        fetch=page(client, "/en/communities/lakeside/services/from-elsewhere/"),
        shown=lambda html: html.count('<li class="result">'),
    )


def test_the_settings_take_the_same_queries_for_one_place_or_three(client, community, facilitator):
    def add(n: int) -> None:
        places = [
            {
                "key": f"town-{i}",
                "name": {"en": f"Town {i}", "fr": f"Ville {i}"},
                "latitude": 46.3,
                "longitude": -79.4,
            }
            for i in range(1, n + 1)
        ]
        save_community_description(
            description={"slug": community.slug, "name": {"en": community.name_en}, "places": places}
        )

    login(client, facilitator)
    assert_queries_do_not_grow(
        add=add,
        fetch=page(client, "/en/communities/lakeside/settings/"),
        shown=lambda html: len(re.findall(r"<legend>Town \d</legend>", html)),
    )


def test_the_settings_take_the_same_queries_for_one_person_at_the_table_or_three(
    client, community, facilitator
):
    def add(n: int) -> None:
        if n > 1:  # the facilitator is the first
            set_membership(user=_user(f"member{n}"), community=community, role="member")

    login(client, facilitator)
    assert_queries_do_not_grow(
        add=add,
        fetch=page(client, "/en/communities/lakeside/settings/"),
        shown=lambda html: html.split("People at the table</caption>")[1].count("<tr><td>"),
    )


def test_unknown_community_is_404(client, db):
    assert client.get("/en/communities/nowhere/").status_code == 404


def test_facilitator_edits_phones_and_places(client, inventory, facilitator):
    login(client, facilitator)
    page = client.get(f"/en/communities/lakeside/services/{uid('service:counsel')}/edit/")
    assert page.context["places"].initial[0]["address_1"] == "1 Main St"
    phone = Phone.objects.get(service_id=uid("service:counsel"))
    response = client.post(
        f"/en/communities/lakeside/services/{uid('service:counsel')}/edit/",
        service_form(
            **{
                "service-name_en": "Child-parent counselling",
                "phones-TOTAL_FORMS": "2",
                "phones-INITIAL_FORMS": "1",
                "phones-0-id": str(phone.pk),
                "phones-0-number": "705-555-0199",
                "phones-0-description_en": "Intake",
                "phones-1-number": "1-800-555-0101",
                "phones-1-description_fr": "Ligne sans frais",
                "places-TOTAL_FORMS": "2",
                "places-INITIAL_FORMS": "1",
                "places-0-location_id": uid("loc:main"),
                "places-0-name_en": "Main office",
                "places-0-address_1": "1 Main St",
                "places-0-city": "Maple Bay",
                "places-0-state_province": "ON",
                "places-0-postal_code": "P1B 2C3",
                "places-0-country": "CA",
                "places-0-latitude": "46.31",
                "places-0-longitude": "-79.46",
                "places-0-DELETE": "on",
                "places-1-name_en": "Cedar Narrows outreach",
                "places-1-name_fr": "Service mobile de Cedar Narrows",
                "places-1-address_1": "12 Lake Road",
                "places-1-city": "Cedar Narrows",
                "places-1-state_province": "ON",
                "places-1-postal_code": "P0H 1A0",
                "places-1-country": "CA",
                "places-1-latitude": "46.8",
                "places-1-longitude": "-79.35",
            }
        ),
    )
    assert response.status_code == 302, response.context and [f.errors for f in response.context["places"]]
    numbers = sorted(Phone.objects.filter(service_id=uid("service:counsel")).values_list("number", flat=True))
    assert numbers == ["1-800-555-0101", "705-555-0199"]
    places = ServiceAtLocation.objects.filter(service_id=uid("service:counsel")).select_related("location")
    assert [(p.location.name_en, p.location.latitude) for p in places] == [("Cedar Narrows outreach", 46.8)]
    assert Location.objects.filter(pk=uid("loc:main")).exists()  # still used by the other services


def test_half_a_map_position_is_refused(client, inventory, facilitator):
    login(client, facilitator)
    response = client.post(
        f"/en/communities/lakeside/services/{uid('service:counsel')}/edit/",
        service_form(
            **{
                "places-TOTAL_FORMS": "1",
                "places-INITIAL_FORMS": "0",
                "places-0-name_en": "Somewhere",
                "places-0-address_1": "1 Road",
                "places-0-city": "Town",
                "places-0-state_province": "ON",
                "places-0-postal_code": "P0H 1A0",
                "places-0-country": "CA",
                "places-0-latitude": "46.1",
            }
        ),
    )
    assert response.status_code == 400
    assert response.context["places"].forms[0].non_field_errors() == [
        "Give both the latitude and the longitude, or neither."
    ]


def test_facilitator_edits_the_community_and_its_places(client, community, facilitator, member):
    login(client, facilitator)
    response = client.post(
        "/en/communities/lakeside/settings/",
        {
            "community-name_en": "Lakeside Early Years Table",
            "community-name_fr": "Table de la petite enfance de Lakeside",
            "community-region_en": "Lake District",
            "community-region_fr": "District des lacs",
            "community-description_en": "",
            "community-description_fr": "",
            "community-revision": "0",
            "places-TOTAL_FORMS": "1",
            "places-INITIAL_FORMS": "0",
            "places-0-key": "cedar-narrows",
            "places-0-name_en": "Cedar Narrows",
            "places-0-name_fr": "Cedar Narrows",
            "places-0-kind": "rural",
            "places-0-latitude": "46.8",
            "places-0-longitude": "-79.35",
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name_fr, community.region_en) == (
        "Table de la petite enfance de Lakeside",
        "Lake District",
    )
    assert list(Place.objects.filter(community=community).values_list("key", "kind")) == [
        ("cedar-narrows", "rural")
    ]
    page = client.get("/en/communities/lakeside/settings/")
    assert [m.user.username for m in page.context["members"]] == ["fay", "mo"]


def test_bad_place_is_refused(client, community, facilitator):
    login(client, facilitator)
    response = client.post(
        "/en/communities/lakeside/settings/",
        {
            "community-name_en": "Lakeside",
            "community-name_fr": "Lakeside",
            "places-TOTAL_FORMS": "1",
            "places-INITIAL_FORMS": "0",
            "places-0-key": "Bad Key!",
            "places-0-name_en": "X",
            "places-0-name_fr": "X",
            "places-0-kind": "town",
            "places-0-latitude": "123",
            "places-0-longitude": "-79",
        },
    )
    assert response.status_code == 400
    assert set(response.context["places"].forms[0].errors) == {"key", "latitude"}
