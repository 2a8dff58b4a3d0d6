"""The navigator engine: where a child is on the Ontario template pathway, the hard rules, the ranking."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepath.directory import vocabulary
from carepath.directory.snapshot import ServiceFacts
from carepath.geo import km, parse_area
from carepath.navigator import engine
from carepath.navigator.engine import Directory, Request, equivalents, locate, plan
from carepath.pathways import documents
from carepath.pathways.graph import SCREENING_TOOLS, Pathway

TEMPLATE = Pathway.from_dict(documents.template())
MAPLE_BAY = (46.31, -79.46)
LOON_RIVER = (45.60, -79.10)  # about 85 km south of Maple Bay
SQUARE = parse_area(
    json.dumps({"type": "Polygon", "coordinates": [[[-80, 46], [-79, 46], [-79, 47], [-80, 47], [-80, 46]]]}),
    "geojson",
)


def facts(key: str, **values) -> ServiceFacts:
    base = {
        "id": key,
        "name": key,
        "min_months": 0.0,
        "max_months": 72.0,
        "languages": frozenset({"en"}),
        "delivery": frozenset({"in-person"}),
        "service_types": frozenset({"navigation"}),
        "tiers": frozenset({"prevention"}),
        "locations": (MAPLE_BAY,),
        "cost": frozenset({"free"}),
    }
    return ServiceFacts(**(base | values))


def keys(answers: Request, when: str | None = None) -> list[str]:
    return [p.step.key for p in locate(TEMPLATE, answers) if when is None or p.when == when]


def ask(**values) -> Request:
    return Request(**({"age_months": 18, "languages": ("en",)} | values))


# --- Right time: positions on the pathway ---------------------------------------------------------------


def test_no_screening_yet_starts_with_touchpoints_and_screening():
    assert keys(ask(), "now") == [
        "well-child-visit",
        "healthy-babies-home-visiting",
        "earlyon-drop-in",
        "developmental-screening",
    ]
    assert keys(ask(), "next") == []  # no worries, no result yet: nothing further to do


def test_worries_without_screening_lead_next_to_intake():
    answers = ask(concerns=("social-emotional",))
    assert "developmental-screening" in keys(answers, "now")
    assert keys(answers, "next") == ["intake-navigation"]


def test_screening_outside_its_ages_is_not_offered():
    assert "developmental-screening" not in keys(ask(age_months=78))


def test_a_screen_that_calls_for_it_leads_to_intake_then_intervention():
    answers = ask(concerns=("behaviour",), screening=(("asq-se-2", "above-cutoff"),))
    assert keys(answers, "now") == ["intake-navigation"]
    assert keys(answers, "next") == ["brief-service"]


def test_a_speech_concern_after_a_low_asq3_goes_to_preschool_speech():
    answers = ask(age_months=30, concerns=("speech-language",), screening=(("asq-3", "below-cutoff"),))
    assert keys(answers, "now") == ["intake-navigation"]
    assert keys(answers, "next") == ["preschool-speech-language"]


def test_urgent_need_after_screening_adds_assessment_route():
    answers = ask(concerns=("behaviour",), screening=(("asq-se-2", "above-cutoff"),), urgency="soon")
    assert keys(answers, "now") == ["intake-navigation"]
    assert "wait-support" in keys(answers, "next")  # intake's "otherwise": support while waiting


def test_monitoring_zone_means_watch_and_screen_again():
    answers = ask(screening=(("asq-3", "monitor"),))
    assert keys(answers, "now") == ["monitor-rescreen"]
    assert keys(answers, "next") == ["developmental-screening"]


def test_a_reassuring_screen_steps_back_to_universal_services():
    assert keys(ask(screening=(("asq-se-2", "ok"),)), "now") == ["step-down-universal"]


def test_crisis_comes_first_always_and_only_crisis_now():
    for answers in (
        ask(urgency="crisis"),
        ask(urgency="crisis", concerns=("trauma",), screening=(("asq-se-2", "above-cutoff"),)),
        ask(urgency="crisis", in_care=True),
    ):
        steps = locate(TEMPLATE, answers)
        assert steps[0].step.key == "crisis-support" and steps[0].when == "now"
        assert [p.step.key for p in steps if p.when == "now"] == ["crisis-support"]
    assert keys(ask(urgency="crisis"), "next") == ["intake-navigation"]  # then the way in
    assert keys(ask(urgency="crisis", in_care=True), "next") == ["care-coordination"]  # back to the team


def test_no_crisis_step_without_crisis_urgency():
    for urgency in ("routine", "soon"):
        assert "crisis-support" not in keys(ask(urgency=urgency, concerns=("trauma",)))


def test_in_care_young_child_keeps_care_together_then_steps_down():
    answers = ask(age_months=30, in_care=True, concerns=("behaviour",))
    assert keys(answers, "now") == ["care-coordination", "monitor-rescreen"]
    assert keys(answers, "next") == ["step-down-universal"]


def test_in_care_near_school_age_brings_the_transition_to_school():
    # Preschool services end at school entry, so the transition to school is already on the table.
    assert keys(ask(age_months=50, in_care=True)) == ["school-transition"]


def test_in_care_near_six_brings_the_hand_over():
    answers = ask(age_months=66, in_care=True)
    assert keys(answers, "now") == ["handover-at-six"]
    assert keys(answers, "next") == ["school-transition"]


def test_completing_care_steps_down_or_moves_to_school():
    assert keys(ask(age_months=30, completing_care=True)) == ["step-down-universal"]
    assert keys(ask(age_months=50, completing_care=True)) == ["school-transition"]


def test_every_plan_step_fits_the_childs_age():
    for age in range(0, 84, 7):
        for answers in (
            ask(age_months=age),
            ask(age_months=age, in_care=True),
            ask(age_months=age, urgency="crisis"),
        ):
            for item in locate(TEMPLATE, answers):
                assert item.step.age.contains(age), (age, item.step.key)


# --- Matching: ranking, reasons, ties ------------------------------------------------------------------


def intake_step():
    return TEMPLATE.step("intake-navigation")


def test_least_intensive_preferred_language_and_format_rank_first():
    directory = Directory(
        [
            facts("specialist", tiers=frozenset({"specialized"})),
            facts("light", tiers=frozenset({"prevention"}), delivery=frozenset({"virtual"}), locations=()),
            facts("french", languages=frozenset({"fr"}), delivery=frozenset({"virtual"}), locations=()),
        ]
    )
    family = engine.eligible(directory, ask(languages=("fr", "en"), delivery=("virtual",)))
    found = [m.id for m in engine.match_step(directory, family, intake_step())]
    assert found == ["french", "light", "specialist"]


def test_nearer_in_person_service_ranks_higher_and_distance_is_given():
    directory = Directory([facts("far", locations=(LOON_RIVER,)), facts("near", locations=(MAPLE_BAY,))])
    family = engine.eligible(directory, ask(location=MAPLE_BAY, max_travel_km=100))
    near, far = engine.match_step(directory, family, intake_step())
    assert (near.id, far.id) == ("near", "far")
    assert near.distance_km == 0.0 and 75 < far.distance_km < 95
    assert ("far", {"km": far.distance_km}) in far.cautions


def test_wait_longer_than_target_is_a_caution_and_ranks_lower():
    directory = Directory([facts("slow", wait_days=90), facts("quick", wait_days=3)])
    family = engine.eligible(directory, ask())
    quick, slow = engine.match_step(directory, family, intake_step())
    assert (quick.id, slow.id) == ("quick", "slow")
    assert ("wait-ok", {"days": 3, "target": 7}) in quick.reasons
    assert ("wait-long", {"days": 90, "target": 7}) in slow.cautions


def test_indigenous_led_and_francophone_services_for_families_who_identify():
    directory = Directory(
        [
            facts("general"),
            facts(
                "indigenous",
                sectors=frozenset({"indigenous-services"}),
                populations=(("indigenous", "focus"),),
            ),
            facts("franco", populations=(("francophone", "focus"),)),
        ]
    )
    first_nations = engine.eligible(directory, ask(indigenous_identity=("first-nations",)))
    assert engine.match_step(directory, first_nations, intake_step())[0].id == "indigenous"
    assert ("indigenous-led", {}) in engine.match_step(directory, first_nations, intake_step())[0].reasons
    franco = engine.eligible(directory, ask(populations=("francophone",)))
    top = engine.match_step(directory, franco, intake_step())[0]
    assert top.id == "franco" and ("population", {"populations": ["francophone"]}) in top.reasons


def test_interpretation_only_gives_a_caution():
    directory = Directory([facts("interp", languages=frozenset({"en"}), interpretation=True)])
    [found] = engine.match_step(directory, engine.eligible(directory, ask(languages=("ar",))), intake_step())
    assert ("interpretation", {}) in found.cautions


def test_iso_639_3_codes_match_their_two_letter_language():
    directory = Directory([facts("fra", languages=frozenset({"fra"}))])
    [found] = engine.match_step(directory, engine.eligible(directory, ask(languages=("fr",))), intake_step())
    assert ("language", {"languages": ["fr"]}) in found.reasons
    assert equivalents("fre") == equivalents("fr")


def test_ties_are_broken_by_name_then_id_whatever_the_input_order():
    services = [facts(f"s{i}", name="Same name") for i in (3, 1, 2)] + [facts("a", name="Another")]
    orders = {
        tuple(
            m.id
            for m in engine.match_step(
                Directory(list(p)), engine.eligible(Directory(list(p)), ask()), intake_step()
            )
        )
        for p in (services, services[::-1], services[1:] + services[:1])
    }
    assert orders == {("a", "s1", "s2", "s3")}


def test_crisis_services_lead_the_recommendations():
    directory = Directory(
        [
            facts(
                "crisis-line",
                service_types=frozenset({"crisis-support"}),
                tiers=frozenset({"crisis"}),
                delivery=frozenset({"phone"}),
                locations=(),
            ),
            facts("intake", wait_days=1),
        ]
    )
    result = plan(TEMPLATE, directory, ask(urgency="crisis"))
    assert result.recommendations()[0].id == "crisis-line"
    assert result.steps[0].services[0].reasons[0][0] == "crisis"


def test_support_while_waiting_is_added_when_waits_exceed_the_target():
    directory = Directory(
        [
            facts("brief", service_types=frozenset({"brief-service"}), wait_days=60),
            facts("waiting-group", service_types=frozenset({"wait-support"}), wait_days=0),
        ]
    )
    result = plan(
        TEMPLATE, directory, ask(concerns=("behaviour",), screening=(("asq-se-2", "above-cutoff"),))
    )
    waiting = [p for p in result.steps if p.why == "while-waiting"]
    assert [p.step.key for p in waiting] == ["wait-support"]
    assert waiting[0].after == "brief-service" and waiting[0].services[0].id == "waiting-group"


def test_every_recommendation_has_a_reason_and_appears_once():
    directory = Directory(
        [
            facts(f"s{i}", service_types=frozenset({t}))
            for i, t in enumerate(vocabulary.load().codes("service-type"))
        ]
    )
    result = plan(TEMPLATE, directory, ask(concerns=("sleep",), screening=(("asq-se-2", "above-cutoff"),)))
    recommended = result.recommendations()
    assert recommended and len({m.id for m in recommended}) == len(recommended)
    assert all(m.reasons for m in recommended)
    assert [m.score for m in recommended] == sorted((m.score for m in recommended), reverse=True)


# --- Hard rules 1 to 7, for any directory and any family -------------------------------------------------

VOCAB = vocabulary.load()
LANGUAGES = ["en", "fr", "oj", "cr", "ar", "fra", "zh"]
POPULATIONS = VOCAB.codes("population")
AREAS = [None, SQUARE]


@st.composite
def services(draw, index: int = 0) -> ServiceFacts:
    low = draw(st.one_of(st.none(), st.floats(0, 60, allow_nan=False)))
    high = draw(st.one_of(st.none(), st.floats(0, 90, allow_nan=False)))
    area = draw(st.sampled_from(AREAS))
    return ServiceFacts(
        id=draw(st.uuids()).hex,
        name=draw(st.sampled_from(["Alpha", "Beta", "Gamma"])),
        active=draw(st.booleans()),
        min_months=low,
        max_months=high,
        languages=frozenset(draw(st.lists(st.sampled_from(LANGUAGES), max_size=3))),
        interpretation=draw(st.booleans()),
        delivery=frozenset(draw(st.lists(st.sampled_from(VOCAB.codes("delivery")), max_size=3))),
        service_types=frozenset(
            draw(st.lists(st.sampled_from(VOCAB.codes("service-type")), min_size=1, max_size=3))
        ),
        tiers=frozenset(draw(st.lists(st.sampled_from(VOCAB.codes("tier")), max_size=2))),
        concerns=frozenset(draw(st.lists(st.sampled_from(VOCAB.codes("concern")), max_size=3))),
        cost=frozenset(draw(st.lists(st.sampled_from(VOCAB.codes("cost")), max_size=2))),
        populations=tuple(
            sorted(
                set(
                    draw(
                        st.lists(
                            st.tuples(st.sampled_from(POPULATIONS), st.sampled_from(["only", "focus"])),
                            max_size=2,
                        )
                    )
                )
            )
        ),
        wait_days=draw(st.one_of(st.none(), st.integers(0, 200))),
        locations=tuple(draw(st.lists(st.tuples(st.floats(45, 48), st.floats(-81, -78)), max_size=2))),
        areas=() if area is None else (area,),
    )


@st.composite
def families(draw) -> Request:
    return Request(
        age_months=draw(st.integers(0, 83)),
        languages=tuple(draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True))),
        concerns=tuple(draw(st.lists(st.sampled_from(VOCAB.codes("concern")), max_size=3, unique=True))),
        screening=tuple(
            draw(
                st.lists(
                    st.sampled_from([(t, r) for t, (bands, _) in SCREENING_TOOLS.items() for r in bands]),
                    max_size=2,
                    unique_by=lambda x: x[0],
                )
            )
        ),
        indigenous_identity=tuple(draw(st.lists(st.sampled_from(engine.INDIGENOUS_IDENTITIES), max_size=1))),
        delivery=tuple(draw(st.lists(st.sampled_from(VOCAB.codes("delivery")), max_size=2, unique=True))),
        location=draw(st.one_of(st.none(), st.tuples(st.floats(45, 48), st.floats(-81, -78)))),
        max_travel_km=draw(st.sampled_from([10.0, 60.0, 150.0])),
        cost=tuple(draw(st.lists(st.sampled_from(VOCAB.codes("cost")), max_size=2, unique=True))),
        populations=tuple(draw(st.lists(st.sampled_from(POPULATIONS), max_size=2, unique=True))),
        urgency=draw(st.sampled_from(["routine", "soon", "crisis"])),
        in_care=draw(st.booleans()),
        completing_care=draw(st.booleans()),
    )


def breaks(service: ServiceFacts, family: Request) -> list[int]:
    """The hard rules of CONTRACTS.md section 3 that a recommended service breaks, checked from scratch."""
    broken = []
    if not service.active:
        broken.append(1)
    if (service.min_months is not None and service.min_months > family.age_months) or (
        service.max_months is not None and service.max_months < family.age_months
    ):
        broken.append(2)
    wanted = set().union(*(equivalents(code) for code in family.languages))
    if not (wanted & service.languages) and not service.interpretation:
        broken.append(3)
    if any(how == "only" and code not in family.family_populations for code, how in service.populations):
        broken.append(4)
    if (
        family.location is not None
        and service.areas
        and not any(a.contains(*family.location) for a in service.areas)
    ):
        broken.append(5)
    in_person_only = bool(service.delivery) and service.delivery <= {"in-person", "group"}
    if (
        family.location is not None
        and in_person_only
        and service.locations
        and not any(km(*family.location, lat, lon) <= family.max_travel_km for lat, lon in service.locations)
    ):
        broken.append(6)
    if family.cost and not (service.cost & set(family.cost)):
        broken.append(7)
    return broken


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(services(), max_size=40), families())
def test_no_answer_ever_breaks_a_hard_rule(directory_services, family):
    result = plan(TEMPLATE, Directory(directory_services), family)
    for item in result.steps:
        for found in item.services:
            assert breaks(found.facts, family) == [], (found.id, item.step.key)
            assert found.reasons
            assert 0.0 <= found.score <= 1.0
    if family.urgency == "crisis" and result.recommendations():
        crisis_steps = {p.step.key for p in result.steps if p.step.kind == "crisis"}
        first_non_crisis = next(
            (i for i, m in enumerate(result.recommendations()) if m.step not in crisis_steps), None
        )
        assert all(m.step in crisis_steps for m in result.recommendations()[:first_non_crisis])


@settings(max_examples=60, deadline=None)
@given(st.lists(services(), max_size=30), families())
def test_the_same_answers_give_the_same_plan(directory_services, family):
    first = plan(TEMPLATE, Directory(directory_services), family)
    again = plan(TEMPLATE, Directory(list(reversed(directory_services))), replace(family))
    assert [(p.step.key, [m.id for m in p.services]) for p in first.steps] == [
        (p.step.key, [m.id for m in p.services]) for p in again.steps
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(services(), min_size=1, max_size=30), families())
def test_the_column_filters_agree_with_the_rules_for_every_service(directory_services, family):
    """Not only the shown services: every service the engine deems eligible keeps the rules, and vice versa."""
    directory = Directory(directory_services)
    mask = engine.eligible(directory, family).eligible
    for index, service in enumerate(directory.services):
        rules = breaks(service, family)
        # The engine also treats a located service with no delivery stated as in person only (stricter).
        stricter = (
            family.location is not None
            and not service.delivery
            and service.locations
            and not any(
                km(*family.location, lat, lon) <= family.max_travel_km for lat, lon in service.locations
            )
        )
        assert bool(mask[index]) == (not rules and not stricter), (service, rules)


def test_distances_are_great_circle_kilometres():
    directory = Directory([facts("a", locations=(LOON_RIVER, MAPLE_BAY)), facts("b", locations=())])
    distances = directory.distances(*MAPLE_BAY)
    assert distances[directory.index["a"]] == pytest.approx(0.0, abs=1e-6)
    assert math.isinf(distances[directory.index["b"]])
    assert Directory([facts("c", locations=(LOON_RIVER,))]).distances(*MAPLE_BAY)[0] == pytest.approx(
        km(*MAPLE_BAY, *LOON_RIVER)
    )


def test_stepped_care_starts_at_the_tier_that_meets_the_need():
    directory = Directory(
        [
            facts("prevention", tiers=frozenset({"prevention"})),
            facts("early", tiers=frozenset({"early-intervention"})),
            facts("specialized", tiers=frozenset({"specialized"})),
        ]
    )
    worried = engine.eligible(directory, ask(concerns=("behaviour",)))
    assert [m.id for m in engine.match_step(directory, worried, intake_step())] == [
        "prevention",
        "early",
        "specialized",
    ]
    screened = engine.eligible(
        directory, ask(concerns=("behaviour",), screening=(("asq-se-2", "above-cutoff"),))
    )
    ranked = engine.match_step(directory, screened, intake_step())
    assert [m.id for m in ranked] == [
        "early",
        "specialized",
        "prevention",
    ]  # lighter care does not meet the need
    assert ("least-intensive", {}) in ranked[0].reasons
