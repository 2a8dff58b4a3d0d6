"""POST /api/v1/navigator/match exactly as CONTRACTS.md section 3: the answer, every bad field, 404, 429."""

from __future__ import annotations

import copy
import json

import pytest

from carepath.communities.models import Community
from carepath.directory.models import Service
from carepath.directory.queries import service_facts
from carepath.navigator.serializers import MatchRequestSerializer
from carepath.pathways import services as pathway_services
from tests.navigator.test_engine import breaks
from tests.navigator.test_views import a_speech_clinic
from tests.query_counts import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
URL = "/api/v1/navigator/match"
REQUEST = {
    "community": "north-shore",
    "language": "en",
    "child": {
        "age_months": 18,
        "concerns": ["social-emotional", "sleep"],
        "screening": [{"tool": "asq-se-2", "result": "above-cutoff"}],
        "indigenous_identity": ["first-nations"],
    },
    "family": {
        "languages": ["fr", "en"],
        "delivery": ["virtual", "home-visit"],
        "location": {"lat": 46.31, "lon": -79.46},
        "max_travel_km": 50,
        "cost": ["free", "sliding-scale"],
        "populations": ["francophone"],
    },
    "situation": {"urgency": "routine", "in_care": False, "completing_care": False},
}
SERVICE_KEYS = {
    "id",
    "name",
    "organization",
    "score",
    "delivery",
    "distance_km",
    "wait_days",
    "reasons",
    "cautions",
}


def post(client, body, content_type="application/json"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type)


def with_change(path: str, value):
    body = copy.deepcopy(REQUEST)
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return body


OPTIONAL = {"start_here", "notices", "fallbacks", "safety", "for_you"}


def test_the_contract_example_gets_a_plan_in_the_contract_shape(client, demo):
    response = post(client, REQUEST)
    assert response.status_code == 200
    body = response.json()
    # CONTRACTS.md section 3, and the optional fields added later
    assert set(body) == {"community", "pathway", "steps", "recommendations"} | OPTIONAL
    assert body["community"] == "north-shore"
    assert set(body["pathway"]) == {"id", "title", "version"} and body["pathway"]["version"] == 1
    now = [s["key"] for s in body["steps"] if s["when"] == "now"]
    # the universal first steps (a toddler's sleep brings public health's home visits), then what the
    # ASQ:SE-2 result above the cut-off calls for: intake first
    assert now[:3] == ["well-child-visit", "earlyon-drop-in", "healthy-babies-home-visiting"]
    assert now[3] == "intake-navigation"
    first = body["start_here"]
    assert 1 <= len(first) <= 3 and all(a["text"] and a["service"] for a in first)
    assert first[0]["step"] == "intake-navigation" and first[0]["phone"]
    assert body["safety"][0]["phone"] == "911"
    assert body["safety"][-1]["phone"] == "211" and body["fallbacks"][-1]["phone"] == "211"
    for step in body["steps"]:
        assert step["stage"] in ("to-care", "through-care", "out-of-care") and step["title"] and step["why"]
        for found in step["services"]:
            assert set(found) >= SERVICE_KEYS and found["reasons"]
    recommended = body["recommendations"]
    assert recommended and len({r["id"] for r in recommended}) == len(recommended)
    in_steps = {(s["key"], f["id"]) for s in body["steps"] for f in s["services"]}
    assert all((r["step"], r["id"]) in in_steps and r["reasons"] for r in recommended)
    assert [r["score"] for r in recommended] == sorted((r["score"] for r in recommended), reverse=True)


def test_every_service_in_the_answer_keeps_the_hard_rules(client, demo):
    facts = {f.id: f for f in service_facts(Service.objects.all())}
    for change in (
        {},
        {"family": {"languages": ["en"], "location": {"lat": 45.60, "lon": -79.10}, "max_travel_km": 10}},
        {
            "family": {"languages": ["oj"], "cost": ["free"]},
            "child": {"age_months": 40, "concerns": ["trauma"]},
        },
        {"situation": {"urgency": "crisis"}},
    ):
        body = copy.deepcopy(REQUEST)
        for key, value in change.items():
            body[key] = {**body[key], **value}
        response = post(client, body)
        assert response.status_code == 200
        serializer = MatchRequestSerializer(data=body)
        assert serializer.is_valid()
        family = serializer.to_request()
        answer = response.json()
        every = answer["recommendations"] + answer["for_you"]
        every += [line for line in answer["fallbacks"] + answer["safety"] if "id" in line]
        for found in every:  # every service anywhere in the answer, lines and fallbacks included
            assert breaks(facts[found["id"]], family) == [], found["name"]


def test_crisis_services_come_first(client, demo):
    body = post(client, with_change("situation.urgency", "crisis")).json()
    assert body["steps"][0]["key"] == "crisis-support" and body["steps"][0]["when"] == "now"
    assert body["recommendations"][0]["step"] == "crisis-support"


def test_the_answer_speaks_the_requests_language(client, demo):
    english = post(client, REQUEST).json()
    french = post(client, with_change("language", "fr")).json()
    assert french["pathway"]["title"] != english["pathway"]["title"]
    assert french["steps"][0]["why"] != english["steps"][0]["why"]
    assert french["recommendations"][0]["reasons"][0] != english["recommendations"][0]["reasons"][0]
    assert french["recommendations"][0]["reasons"][0].startswith("Aide pour")
    organizations = {r["organization"] for r in french["recommendations"]}
    assert "Centre de santé mentale pour enfants de la Rive-Nord" in organizations, organizations


def test_the_community_may_be_left_out_when_only_one_has_a_pathway(client, demo):
    assert post(client, with_change("community", KeyError)).json()["community"] == "north-shore"
    other = Community.objects.create(slug="second", name="Second")
    pathway_services.publish_template(community=other)
    response = post(client, with_change("community", KeyError))
    assert response.status_code == 400
    assert "north-shore" in response.json()["errors"]["community"][0]


def test_unknown_community_and_community_without_pathway_are_404(client, demo):
    response = post(client, with_change("community", "atlantis"))
    assert response.status_code == 404 and "atlantis" in response.json()["errors"]["community"][0]
    Community.objects.create(slug="empty", name="Empty")
    assert post(client, with_change("community", "empty")).status_code == 404


@pytest.mark.parametrize(
    ("path", "value", "named", "says"),
    [
        ("child.age_months", -1, "child.age_months", "0"),
        ("child.age_months", 84, "child.age_months", "83"),
        ("child.age_months", "eighteen", "child.age_months", "integer"),
        ("child.age_months", 18.5, "child.age_months", "integer"),
        ("child.age_months", KeyError, "child.age_months", "required"),
        ("child.concerns", "sleep", "child.concerns", "list"),
        ("child.concerns", ["sleep", "naps"], "child.concerns[1]", "social-emotional"),
        ("child.screening", [{"tool": "asq", "result": "ok"}], "child.screening[0].tool", "asq-se-2"),
        (
            "child.screening",
            [{"tool": "asq-3", "result": "high"}],
            "child.screening[0].result",
            "below-cutoff",
        ),
        ("child.screening", [{"tool": "asq-3"}], "child.screening[0].result", "required"),
        (
            "child.screening",
            [{"tool": "asq-3", "result": "monitor"}, {"tool": "asq-3", "result": "on-track"}],
            "child.screening",
            "once",
        ),
        ("child.indigenous_identity", ["cree"], "child.indigenous_identity[0]", "first-nations"),
        ("family.languages", [], "family.languages", "1"),
        ("family.languages", ["english"], "family.languages[0]", "ISO 639"),
        ("family.languages", KeyError, "family.languages", "required"),
        ("family.delivery", ["zoom"], "family.delivery[0]", "virtual"),
        ("family.location", {"lat": 91, "lon": 0}, "family.location.lat", "90"),
        ("family.location", {"lat": 46}, "family.location.lon", "required"),
        ("family.location", "Maple Bay", "family.location", "dictionary"),
        ("family.max_travel_km", 0, "family.max_travel_km", "1"),
        ("family.max_travel_km", "far", "family.max_travel_km", "number"),
        ("family.cost", ["cheap"], "family.cost[0]", "sliding-scale"),
        ("family.populations", ["everyone"], "family.populations[0]", "francophone"),
        ("situation.urgency", "now", "situation.urgency", "crisis"),
        ("situation.in_care", "maybe", "situation.in_care", "boolean"),
        ("language", "de", "language", "fr"),
        ("community", "Not a slug!", "community", "slug"),
        ("child", KeyError, "child", "required"),
        ("family", [], "family", "dictionary"),
    ],
)
def test_each_bad_field_is_named_with_what_is_wrong(client, demo, path, value, named, says):
    response = post(client, with_change(path, value))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert named in errors, errors
    assert says.lower() in " ".join(errors[named]).lower()


def test_every_bad_field_is_named_at_once(client, demo):
    body = with_change("child.age_months", 99)
    body["family"]["languages"] = ["english"]
    body["situation"]["urgency"] = "now"
    errors = post(client, body).json()["errors"]
    assert sorted(errors) == ["child.age_months", "family.languages[0]", "situation.urgency"]


REQUIRED = ["This field is required."]


@pytest.mark.parametrize(
    ("body", "content_type", "errors"),
    [
        (
            "{not json",
            "application/json",
            {
                "request": [
                    "The body is not valid JSON: JSON parse error - Expecting property name enclosed in double"
                    " quotes: line 1 column 2 (char 1)"
                ]
            },
        ),
        (
            "[1, 2, 3]",
            "application/json",
            {"request": ["Invalid data. Expected a dictionary, but got list."]},
        ),
        ('"text"', "application/json", {"request": ["Invalid data. Expected a dictionary, but got str."]}),
        ("null", "application/json", {"request": ["No data provided"]}),
        (
            '{"child": {"age_months": NaN}}',
            "application/json",
            {"child.age_months": ["A valid integer is required."], "family": REQUIRED},
        ),
        (
            "child=1",
            "application/x-www-form-urlencoded",
            {"request": ["Send the answers as JSON (Content-Type: application/json)."]},
        ),
        ("", "application/json", {"child": REQUIRED, "family": REQUIRED}),
    ],
)
def test_bodies_that_are_not_a_json_object_get_400(client, demo, body, content_type, errors):
    response = post(client, body, content_type)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_only_post(client, demo):
    assert client.get(URL).status_code == 405


def test_anonymous_callers_are_rate_limited_with_a_clear_429(client, demo, settings):
    settings.CAREPATH_NAVIGATOR_RATE = "3/minute"
    assert [post(client, REQUEST).status_code for _ in range(3)] == [200, 200, 200]
    response = post(client, REQUEST)
    assert response.status_code == 429
    # The next is due a minute / 3 after the first, less the test's time; the message says the same seconds.
    seconds = int(response["Retry-After"])
    assert 10 <= seconds <= 20
    assert response.json()["errors"]["request"] == [f"Too many requests. Try again in {seconds} seconds."]


def test_the_operation_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/navigator/match"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "404", "429"}
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].startswith(
        "#/components/schemas/MatchRequest"
    )


def test_the_safety_net_speaks_to_the_familys_situation(client, demo):
    body = with_change("child", {"age_months": 36, "concerns": ["caregiver-wellbeing", "trauma"]})
    safety = post(client, body).json()["safety"]
    names = [line["name"] for line in safety]
    assert names[0] == "911" and names[-1] == "211"
    assert "9-8-8 Suicide Crisis Helpline" in names and "Safety at home" in names
    parent = next(line for line in safety if line["phone"] == "988")
    assert "your child" in parent["text"] and "baby" not in parent["text"]  # a three-year-old
    baby = post(client, with_change("child", {"age_months": 3, "concerns": ["caregiver-wellbeing"]})).json()
    assert "your baby" in next(line for line in baby["safety"] if line["phone"] == "988")["text"]


def test_a_match_takes_the_same_queries_for_one_service_or_three(client, community, import_file):
    pathway_services.publish_template(community=community)
    body = {
        "community": "lakeside",
        "language": "en",
        "child": {"age_months": 30, "concerns": ["speech-language"]},
        "family": {"languages": ["en"]},
        "situation": {"urgency": "routine", "in_care": False, "completing_care": False},
    }

    def fetch():
        response = post(client, body)
        assert response.status_code == 200
        return response.json()

    assert_queries_do_not_grow(
        add=lambda n: a_speech_clinic(import_file, n),
        fetch=fetch,
        shown=lambda plan: len(
            next(s for s in plan["steps"] if s["key"] == "preschool-speech-language")["services"]
        ),
    )
