"""The gap report (issue 14, item 10): flags come first and lead to the services behind them (the inventory
filtered to the step's kinds of service), and to *Add a service* for those who may add one."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.utils.html import escape

from carepath.pathways import services
from tests.conftest import PASSWORD
from tests.factories import service

pytestmark = pytest.mark.django_db
URL = "/{}/communities/lakeside/pathway/gaps/"
SCREENING = "developmental-screening"


@pytest.fixture
def published(community, import_file):
    version = services.publish_template(community=community)
    import_file(
        service(
            "clinic", name="Screening clinic", terms=[(f"service-type/{SCREENING}", None)], languages=("en",)
        )
    )
    import_file(service("drop-in", name="Drop-in centre", terms=[("service-type/family-centre", None)]))
    return version


def row(html: str, title: str) -> str:
    return re.search(rf'<th scope="row">{re.escape(escape(title))}</th>(.*?)</tr>', html, re.S)[1]


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def test_each_flag_leads_to_the_inventory_filtered_to_the_steps_kinds_of_service(
    client, published, facilitator
):
    client.login(username=facilitator.username, password=PASSWORD)
    html = client.get(URL.format("en")).content.decode()
    screening = row(html, published.steps.get(key=SCREENING).title_en)
    assert re.findall(r'<a class="badge warn" href="[^"]+">([^<]+)</a>', screening) == [
        "No French service",
        "No Indigenous-led option",
    ]
    inventory = f"/en/communities/lakeside/?term=service-type%2F{SCREENING}"
    assert hrefs(screening) == [inventory, inventory, "/en/communities/lakeside/services/add/"]
    listed = client.get(inventory).content.decode()
    assert "Screening clinic" in listed and "Drop-in centre" not in listed


def test_a_step_with_no_service_links_to_its_kinds_and_to_add_a_service(client, published, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    html = client.get(URL.format("fr")).content.decode()
    step = published.steps.get(key="preschool-speech-language")
    cells = row(html, step.title_fr)
    terms = urlencode([("term", f"service-type/{code}") for code in step.service_types])
    assert ">Aucun service</a>" in cells
    assert hrefs(cells) == [f"/fr/communities/lakeside/?{terms}", "/fr/communities/lakeside/services/add/"]
    assert "Ajouter un service" in cells


def test_a_step_of_no_particular_kind_links_to_the_whole_inventory(client, published, facilitator):
    step = published.steps.get(key="intake-navigation")
    step.service_types = []
    step.save(update_fields=["service_types"])
    client.login(username=facilitator.username, password=PASSWORD)
    cells = row(client.get(URL.format("en")).content.decode(), step.title_en)
    assert hrefs(cells)[0] == "/en/communities/lakeside/"


def test_only_those_who_may_add_services_are_offered_to(client, published, member):
    client.login(username=member.username, password=PASSWORD)
    html = client.get(URL.format("en")).content.decode()
    assert 'class="badge warn" href="/en/communities/lakeside/?term=' in html
    assert "/services/add/" not in html and "Add a service" not in html


def test_flags_come_right_after_the_step_in_a_named_focusable_scroll_region(client, published, member):
    client.login(username=member.username, password=PASSWORD)
    html = client.get(URL.format("en")).content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', html)
    assert headers[:3] == ["Step", "Flags", "Services"]
    region = re.search(r'<div class="table-scroll"([^>]*)>', html)[1]
    assert 'role="region"' in region and 'tabindex="0"' in region
    label = re.search(r'aria-labelledby="([^"]+)"', region)[1]
    assert re.search(rf'<caption id="{label}"[^>]*>Services per step</caption>', html)
