"""Service cards a family can act on from a phone, and the provider's card that says how to refer: call and
text links, directions, opening hours and open-now, accessibility, when the listing was checked, the report
link; essentials first and the rest in a native <details>."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from carepath.directory.models import Accessibility, Location, Phone, RequiredDocument, Service
from carepath.navigator.queries import service_details
from tests.navigator.test_views import ANSWERS as SCREENED
from tests.navigator.test_views import JOURNEY, posted_answers

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")
NB = "\u00a0"
WELL_CHILD = "91fcd770-36bd-5392-9500-2b6fd85d52d9"  # Maple Bay Family Health Team, in the demo
CRISIS = "7fd42af7-2b21-5fdc-9342-3f5e8592bcaf"
YOUNG_PARENTS = "cdc5894a-9862-5090-93dc-12c2e6799599"
PROVIDER = f"{JOURNEY}provider/"
# Before any screening: check-ups and screening come first, at the family health team among others.
ANSWERS = {key: value for key, value in SCREENED.items() if key != "screen_asq-se-2"}


def cards(response) -> dict[str, str]:
    """Each service card of a plan page by its service id (the first card of a service)."""
    page = response.content.decode()
    found: dict[str, str] = {}
    for card in re.findall(
        r'<li class="result service-card"[^>]*>.*?</li>\s*(?=<li class="result service-card"|</ol>)',
        page,
        re.S,
    ):
        service_id = re.search(r"/services/([0-9a-f-]{36})/", card).group(1)
        found.setdefault(service_id, card)
    return found


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_a_card_can_be_acted_on_from_a_phone(client, demo):
    response = client.post(JOURNEY, ANSWERS)
    assert response.status_code == 200
    card = cards(response)[WELL_CHILD]
    essentials, more = card.split('<details class="more">')
    assert '<a class="button call" href="tel:7055550120">Call 705-555-0120</a>' in essentials
    assert re.search(r'<span class="badge (ok|closed)">(Open now|Closed now)</span>', essentials)
    assert "Why it fits" in essentials
    assert "<summary>More about this service</summary>" in more
    assert 'href="https://www.openstreetmap.org/directions?to=46.3118%2C-79.4582"' in more
    assert f"Monday to Friday, 8:30{NB}a.m. to 5:00{NB}p.m." in more
    assert "Step-free entrance, accessible washrooms and a change table." in more
    assert "Listing checked on 15 September 2026." in more
    assert f'href="/en/communities/north-shore/services/{WELL_CHILD}/report/"' in more
    assert "Report a problem with this listing" in more
    assert "Match score" not in response.content.decode()


def test_every_call_and_text_link_holds_digits_only(client, demo):
    pages = [client.get(JOURNEY), client.post(JOURNEY, ANSWERS), client.post(PROVIDER, ANSWERS)]
    pages.append(client.post(JOURNEY, {**ANSWERS, "urgency": "crisis"}))
    for response in pages:
        hrefs = re.findall(r'href="((?:tel|sms):[^"]*)"', response.content.decode())
        # a number's digits, or (to share the plan) a text with no number and the plan's link as its body
        numbers = [href for href in hrefs if not href.startswith("sms:?&amp;body=")]
        assert numbers and all(re.fullmatch(r"(tel|sms):\+?\d{3,}", href) for href in numbers)
    crisis = client.get(JOURNEY).content.decode()
    assert 'href="tel:7055550199"' in crisis and 'href="sms:7055550198"' in crisis  # the text line texts


def test_a_line_that_takes_texts_gets_a_text_link_and_a_fax_none(client, demo):
    Phone.objects.create(service_id=WELL_CHILD, number="705-555-0999", type="fax", description="Referrals")
    details = service_details(demo, [WELL_CHILD, YOUNG_PARENTS])
    young = {p.number: p for p in details[YOUNG_PARENTS].phones}["705-555-0190"]
    assert (young.tel, young.sms) == ("tel:7055550190", "sms:7055550190")
    fax = details[WELL_CHILD].faxes
    assert [(p.number, p.tel, p.sms) for p in fax] == [("705-555-0999", "", "")]
    assert details[WELL_CHILD].call.number == "705-555-0120"  # the button calls, never the fax
    page = client.post(PROVIDER, ANSWERS).content.decode()
    card = cards_of(page)[WELL_CHILD]
    assert "<dt>Fax</dt><dd>705-555-0999 · Referrals</dd>" in card
    assert "tel:7055550999" not in page


def cards_of(page: str) -> dict[str, str]:
    class Response:
        content = page.encode()

    return cards(Response())


def test_open_now_and_the_hours_at_a_given_moment(demo):
    tuesday_evening = dt.datetime(2026, 9, 15, 18, 0, tzinfo=TORONTO)
    found = service_details(demo, [WELL_CHILD], now=tuesday_evening)[WELL_CHILD]
    assert found.open_now.sentence == f"Open now, until 8:00{NB}p.m."  # the evening clinic
    assert found.hours == (
        f"Monday to Friday, 8:30{NB}a.m. to 5:00{NB}p.m.",
        f"Tuesday and Thursday, 5:00{NB}p.m. to 8:00{NB}p.m.",
    )
    saturday = service_details(demo, [WELL_CHILD], now=dt.datetime(2026, 9, 19, 10, tzinfo=TORONTO))[
        WELL_CHILD
    ]
    assert saturday.open_now.sentence == f"Closed now · opens Monday at 8:30{NB}a.m."
    crisis = service_details(demo, [CRISIS], now=tuesday_evening)[CRISIS]
    assert crisis.open_now.open and crisis.open_now.detail == "24 hours a day, 7 days a week"


def test_the_card_in_french_keeps_french_times_and_dates(client, demo):
    with translation.override("fr"):
        found = service_details(demo, [WELL_CHILD], now=dt.datetime(2026, 9, 19, 10, tzinfo=TORONTO))[
            WELL_CHILD
        ]
    assert found.hours[0] == f"Du lundi au vendredi, de 8{NB}h{NB}30 à 17{NB}h"
    assert found.open_now.sentence == f"Fermé maintenant · ouvre lundi à 8{NB}h{NB}30"
    assert found.checked == "15 septembre 2026"
    assert found.places[0].addresses == [f"120 Lakeshore Drive, Maple Bay (Ontario){NB}{NB}P1B 2C3"]
    page = client.post("/fr/communities/north-shore/navigator/", ANSWERS).content.decode()
    assert f"Du lundi au vendredi, de 8{NB}h{NB}30 à 17{NB}h" in page


def test_without_a_map_position_directions_search_for_the_address(client, demo):
    Location.objects.filter(service_at_locations__service_id=WELL_CHILD).update(latitude=None, longitude=None)
    place = service_details(demo, [WELL_CHILD])[WELL_CHILD].places[0]
    assert place.directions == ""
    assert place.map_search == (
        "https://www.openstreetmap.org/search?query=120%20Lakeshore%20Drive%2C%20Maple%20Bay%2C%20Ontario%2C%20Canada"
    )


def test_links_from_accessibility_notes_and_documents_are_web_addresses_only(client, demo):
    location = Location.objects.filter(service_at_locations__service_id=WELL_CHILD).first()
    Accessibility.objects.create(
        location=location, description="Ramp at the side door.", url="javascript:alert(1)"
    )
    Accessibility.objects.create(
        location=location, description="Quiet room.", url="https://example.org/access"
    )
    RequiredDocument.objects.create(
        service_id=WELL_CHILD, document="Referral form", uri="javascript:alert(2)"
    )
    RequiredDocument.objects.create(
        service_id=WELL_CHILD, document="Intake form", uri="https://example.org/form.pdf"
    )
    for path in (JOURNEY, PROVIDER):
        page = client.post(path, ANSWERS).content.decode()
        card = cards_of(page)[WELL_CHILD]
        assert 'href="javascript:' not in page.lower()
        assert "Ramp at the side door. javascript:alert(1)" in html.unescape(text_of(card))
        assert '<a href="https://example.org/access" rel="noopener">More about access</a>' in card
        assert '<a href="https://example.org/form.pdf" rel="noopener">Intake form</a>' in card
        assert "Referral form" in card


def test_the_provider_card_says_how_to_refer_first_and_shows_no_score_or_codes(client, demo):
    response = client.post(PROVIDER, ANSWERS)
    page = response.content.decode()
    assert "Match score" not in page and "score" not in text_of(page).lower()
    card = cards(response)[WELL_CHILD]
    assert card.index("How to refer") < card.index("Why it fits") < card.index("More about this service")
    refer = text_of(card[card.index("How to refer") : card.index("Why it fits")])
    assert "Referral route Families can self-refer" in refer
    assert "Send or bring Ontario health card" in refer
    assert "Eligibility Children from birth to 6" in refer and "Ages up to 6 years" in refer
    for card in cards(response).values():
        words = text_of(card)
        assert "self-referral" not in words and "professional-referral" not in words
        assert not re.search(r"\b(service-type|delivery|cost|population|referral)/", words)


def test_print_view_opens_every_card_and_leaves_out_the_report_link(client, demo):
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    printed = client.post(
        "/en/communities/north-shore/navigator/print/", {"answers": answers}
    ).content.decode()
    assert '<details class="more" open>' in printed and '<details class="more">' not in printed
    assert "Report a problem with this listing" not in printed


def test_card_details_take_the_same_queries_for_one_service_or_three(demo):
    # Services with contacts, so that the prefetch of their numbers is not skipped for one of them.
    ids = [
        str(pk)
        for pk in Service.objects.filter(contacts__isnull=False, service_at_locations__isnull=False)
        .order_by("id")
        .distinct()
        .values_list("id", flat=True)[:3]
    ]
    with CaptureQueriesContext(connection) as one:
        service_details(demo, ids[:1])
    with CaptureQueriesContext(connection) as three:
        found = service_details(demo, ids)
    assert len(found) == 3
    assert len(one) == len(three)
