"""No script from data on a family's plan: a service website or a step link stored as anything but an http(s)
address shows as text, never as a link."""

from __future__ import annotations

import html

import pytest

from carepath.directory.models import Service
from carepath.navigator.models import SavedPlan
from carepath.pathways.models import Step
from tests.navigator.test_views import ANSWERS, JOURNEY, posted_answers

pytestmark = pytest.mark.django_db
SCRIPT = "javascript:alert(document.cookie)"


def test_no_script_from_data_stored_links_on_a_plan_show_as_text(client, demo):
    Service.objects.update(url=SCRIPT)
    for step in Step.objects.filter(version__pathway__community=demo, version__status="published"):
        step.links = [{**link, "url": SCRIPT} for link in step.links]
        step.save(update_fields=["links"])
    plan = client.post(JOURNEY, ANSWERS)
    provider = client.post(f"{JOURNEY}provider/", ANSWERS)
    printed = client.post("/en/communities/north-shore/navigator/print/", {"answers": posted_answers(plan)})
    link = client.post("/en/communities/north-shore/navigator/save/", {"answers": posted_answers(plan)})[
        "Location"
    ]
    assert SavedPlan.objects.count() == 1
    for response in (plan, provider, printed, client.get(link)):
        page = html.unescape(response.content.decode())
        assert response.status_code == 200
        assert "Website" in page and SCRIPT in page  # shown as text, for people to see what was stored
        assert 'href="javascript:' not in page.lower()
    assert "Evidence and resources" in html.unescape(provider.content.decode())
