"""Saved plans keep only answers: the navigator request's fields, validated and bounded; expired plans purged."""

from __future__ import annotations

import datetime
import html
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from carepath.models import AuditEntry
from carepath.navigator import queries, services
from carepath.navigator.answers import UnreadableError
from carepath.navigator.models import SavedPlan
from tests.navigator.test_views import ANSWERS, JOURNEY, posted_answers

pytestmark = pytest.mark.django_db
SAVE = "/en/communities/north-shore/navigator/save/"
UNREADABLE = "These answers could not be read. Please answer the questions again."
KEPT = {
    "community": "north-shore",
    "language": "en",
    "child": {
        "age_months": 18,
        "concerns": ["social-emotional", "sleep"],
        "screening": [{"tool": "asq-se-2", "result": "above-cutoff"}],
        "indigenous_identity": [],
    },
    "family": {
        "languages": ["en"],
        "delivery": [],
        "location": {"lat": 46.31, "lon": -79.46},
        "max_travel_km": 60.0,
        "cost": [],
        "populations": [],
    },
    "situation": {"urgency": "routine", "in_care": False, "completing_care": False},
}


def refused(client, answers: str) -> None:
    """Posting these answers saves nothing and sends the family back to the questions with a clear message."""
    response = client.post(SAVE, {"answers": answers}, follow=True)
    assert response.redirect_chain == [(JOURNEY, 302)] and response.status_code == 200
    assert UNREADABLE in html.unescape(response.content.decode())
    assert not SavedPlan.objects.exists()


def test_saved_plans_keep_only_answers_drops_a_childs_name(client, demo):
    answers = json.loads(posted_answers(client.post(JOURNEY, ANSWERS)))
    answers["child_name"] = "Emma Tremblay"
    answers["child"]["name"] = "Emma"
    answers["child"]["screening"][0]["notes"] = "Emma cried"
    answers["family"]["address"] = "12 Lake Road"
    answers["family"]["location"]["accuracy_m"] = 3
    answers["situation"]["health_card"] = "1234-567-890"
    link = client.post(SAVE, {"answers": json.dumps(answers)})["Location"]
    stored = SavedPlan.objects.get()
    assert stored.answers == KEPT
    for private in ("Emma", "Lake Road", "1234", "accuracy"):
        assert private not in json.dumps(stored.answers)
    assert client.get(link).status_code == 200


def test_saved_plans_keep_only_answers_store_the_plans_own_community(client, demo):
    answers = json.loads(posted_answers(client.post(JOURNEY, ANSWERS)))
    client.post(SAVE, {"answers": json.dumps({**answers, "community": "somewhere-else"})})
    assert SavedPlan.objects.get().answers["community"] == "north-shore"


def test_saved_plans_keep_only_answers_refuse_oversized_answers(client, demo, settings):
    answers = json.loads(posted_answers(client.post(JOURNEY, ANSWERS)))
    refused(client, json.dumps({**answers, "padding": "x" * 5000}))  # over 4 KB as posted
    refused(client, json.dumps({**answers, "padding": "x" * (10 * 1024 * 1024 - 1000)}))  # the old 10 MB
    refused(client, "[" * 2000 + "]" * 2000)  # nested too deep to read, yet under 4 KB
    deep = "[" * 900 + "]" * 900  # readable, but deeper than any request, and its text could not be shown
    refused(
        client,
        json.dumps({**answers, "child": {"age_months": 18}}).replace("18}", f'18, "concerns": {deep}}}'),
    )
    settings.CAREPATH_PLAN_MAX_BYTES = 300
    refused(client, json.dumps(answers))  # the setting is the limit
    printed = client.post("/en/communities/north-shore/navigator/print/", {"answers": json.dumps(answers)})
    assert printed.status_code == 302 and printed["Location"] == JOURNEY


def test_saved_plans_keep_only_answers_the_service_refuses_anything_else(demo):
    with pytest.raises(UnreadableError):
        services.save_plan(community=demo, answers=["not", "a", "request"])  # type: ignore[arg-type]
    with pytest.raises(UnreadableError):
        services.save_plan(community=demo, answers={**KEPT, "child": {"age_months": 500}})
    crowded = {**KEPT, "child": {**KEPT["child"], "concerns": ["sleep"] * 600}}  # valid codes, too many
    with pytest.raises(UnreadableError):
        services.save_plan(community=demo, answers=crowded)
    assert not SavedPlan.objects.exists()
    token, saved = services.save_plan(community=demo, answers={**KEPT, "name": "Emma"})
    assert saved.answers == KEPT and queries.saved_plan(token) == saved


def test_saved_plans_keep_only_answers_expired_plans_are_purged_by_command_and_on_save(client, demo, capsys):
    old = services.save_plan(community=demo, answers=KEPT)[1]
    kept = services.save_plan(community=demo, answers=KEPT)[1]
    SavedPlan.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("purge-expired")
    # The demo's pathway went through a review with three people invited: it closed when the version was published.
    assert capsys.readouterr().out == (
        "Removed 1 expired saved plan, 3 links of reviews that have ended and 0 rate limit counts of idle clients.\n"
    )
    assert list(SavedPlan.objects.values_list("pk", flat=True)) == [kept.pk]
    [entry] = AuditEntry.objects.filter(action="navigator.purge_expired")
    assert (entry.actor, entry.target_id, entry.data) == (None, "", {"count": 1})
    call_command("purge-expired")
    assert (
        capsys.readouterr().out
        == "Removed 0 expired saved plans, 0 links of reviews that have ended and 0 rate limit counts of idle clients.\n"
    )
    SavedPlan.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    services.save_plan(community=demo, answers=KEPT)  # saving a plan purges the expired ones too
    assert SavedPlan.objects.count() == 1 and not SavedPlan.objects.filter(pk=kept.pk).exists()


def test_saved_plans_keep_only_answers_plans_saved_before_lose_their_extra_fields(demo):
    migration = importlib.import_module("carepath.navigator.migrations.0002_saved_plans_keep_only_answers")
    before = {
        **KEPT,
        "child_name": "Emma",
        "child": {
            **KEPT["child"],
            "name": "Emma",
            "screening": [{"tool": "asq-3", "result": "monitor", "x": 1}],
        },
        "family": {**KEPT["family"], "location": {"lat": 46.3, "lon": -79.4, "address": "12 Lake Road"}},
    }
    SavedPlan.objects.create(key="a" * 64, community=demo, answers=before, expires_at=timezone.now())
    SavedPlan.objects.create(
        key="b" * 64,
        community=demo,
        answers={**KEPT, "family": {"languages": ["en"] * 2000}},
        expires_at=timezone.now(),
    )
    SavedPlan.objects.create(key="c" * 64, community=demo, answers=KEPT, expires_at=timezone.now())
    migration.forward(apps, None)
    assert SavedPlan.objects.get(key="a" * 64).answers == {
        **KEPT,
        "child": {**KEPT["child"], "screening": [{"tool": "asq-3", "result": "monitor"}]},
        "family": {**KEPT["family"], "location": {"lat": 46.3, "lon": -79.4}},
    }
    assert not SavedPlan.objects.filter(key="b" * 64).exists()  # too large for any real plan
    assert SavedPlan.objects.get(key="c" * 64).answers == KEPT
