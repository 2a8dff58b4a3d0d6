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


def why(answers: Request) -> dict[str, str]:
    return {p.step.key: p.why for p in locate(TEMPLATE, answers)}


def test_no_worry_gets_the_universal_first_steps_then_screening():
    assert keys(ask(), "now") == ["well-child-visit", "earlyon-drop-in"]
    assert keys(ask(), "next") == ["developmental-screening"]


def test_every_newborn_gets_public_healths_visit_and_no_screen_yet():
    assert keys(ask(age_months=0), "now") == [
        "well-child-visit",
        "earlyon-drop-in",
        "healthy-babies-home-visiting",
    ]
    assert "developmental-screening" not in keys(ask(age_months=0))


def test_screening_outside_its_ages_is_not_offered():
    assert "developmental-screening" not in keys(ask(age_months=78))


@pytest.mark.parametrize(
    ("age", "concern", "helps"),
    [
        (26, "speech-language", "preschool-speech-language"),
        (4, "caregiver-wellbeing", "caregiver-mental-health"),
        (30, "behaviour", "caregiver-capacity"),
        (30, "behaviour", "child-care-inclusion"),
        (40, "trauma", "counselling-therapy"),
        (40, "trauma", "intake-navigation"),
        (24, "autism-signs", "assessment"),
        (14, "development", "infant-child-development"),
        (15, "family-stress", "family-support"),
        (10, "sleep", "caregiver-capacity"),
    ],
)
def test_a_worry_alone_leads_to_the_help_that_answers_it(age, concern, helps):
    answers = ask(age_months=age, concerns=(concern,))
    assert helps in keys(answers, "now")
    assert why(answers)[helps] == "for-worry"
    assert "developmental-screening" in keys(answers, "next") or age < 1


def test_a_routine_worry_about_behaviour_or_speech_is_not_sent_to_mental_health_intake():
    for concern in ("behaviour", "speech-language", "development", "sleep"):
        assert "intake-navigation" not in keys(ask(age_months=30, concerns=(concern,))), concern


def test_help_for_the_first_worry_named_comes_first():
    now = keys(ask(age_months=40, concerns=("speech-language", "behaviour")), "now")
    helps = now[now.index("earlyon-drop-in") + 1 :]
    assert helps[0] == "preschool-speech-language"


@pytest.mark.parametrize(
    ("tool", "result", "age", "helps"),
    [
        ("asq-se-2", "above-cutoff", 24, "intake-navigation"),
        ("m-chat-r", "high", 22, "assessment"),
        ("asq-3", "below-cutoff", 30, "infant-child-development"),
        ("asq-3", "below-cutoff", 30, "assessment"),
        ("looksee", "concerns", 18, "infant-child-development"),
        ("asq-3", "monitor", 9, "monitor-rescreen"),
        ("asq-se-2", "ok", 18, "step-down-universal"),
    ],
)
def test_a_screening_result_leads_to_what_it_calls_for(tool, result, age, helps):
    answers = ask(age_months=age, screening=((tool, result),))
    assert helps in keys(answers, "now")
    assert why(answers)[helps] == "screen-result"
    assert "developmental-screening" not in keys(answers)  # done already


def test_a_high_mchat_reaches_the_assessment_and_support_while_waiting():
    answers = ask(age_months=22, screening=(("m-chat-r", "high"),))
    assert "assessment" in keys(answers, "now") and "wait-support" in keys(answers, "next")


def test_help_that_cannot_wait_adds_a_brief_service():
    assert "brief-service" in keys(ask(age_months=36, concerns=("behaviour",), urgency="soon"), "now")
    assert "brief-service" not in keys(ask(age_months=36, concerns=("behaviour",)), "now")


def test_no_more_than_four_steps_of_help_at_once():
    answers = ask(
        age_months=40, concerns=("trauma", "behaviour", "sleep", "speech-language", "family-stress")
    )
    helps = [p for p in locate(TEMPLATE, answers) if p.when == "now" and p.why == "for-worry"]
    assert len(helps) == engine.MAX_HELP
    assert any(p.why == "for-worry" for p in locate(TEMPLATE, answers) if p.when == "next")


def test_school_comes_up_from_40_months_and_school_age_services_take_over_at_six():
    assert "school-transition" not in keys(ask(age_months=30))
    assert "school-transition" in keys(ask(age_months=44), "next")
    assert why(ask(age_months=44))["school-transition"] == "coming-up"
    assert "handover-at-six" in keys(ask(age_months=83), "now")
    assert why(ask(age_months=83))["handover-at-six"] == "school-age"


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
    parent = ask(urgency="crisis", concerns=("caregiver-wellbeing",))
    assert keys(parent, "next") == ["caregiver-mental-health"]  # help for the parent after their crisis


def test_no_crisis_step_without_crisis_urgency():
    for urgency in ("routine", "soon"):
        assert "crisis-support" not in keys(ask(urgency=urgency, concerns=("trauma",)))


def test_in_care_keeps_care_together_adds_help_for_the_worries_then_steps_down():
    answers = ask(age_months=30, in_care=True, concerns=("behaviour",))
    now = keys(answers, "now")
    assert "caregiver-capacity" in now and "care-coordination" in now
    assert "well-child-visit" not in now  # already in care: no first steps again
    assert keys(answers, "next")[-1] == "step-down-universal"


def test_in_care_near_school_age_brings_the_transition_to_school():
    # Preschool services end at school entry, so the transition to school is already on the table.
    assert "school-transition" in keys(ask(age_months=50, in_care=True))


def test_in_care_near_six_brings_the_hand_over():
    answers = ask(age_months=66, in_care=True)
    assert keys(answers, "now")[0] == "handover-at-six"
    assert "school-transition" in keys(answers, "next")


def test_completing_care_steps_down_and_moves_to_school_near_it():
    assert keys(ask(age_months=30, completing_care=True)) == ["step-down-universal"]
    assert keys(ask(age_months=50, completing_care=True)) == ["step-down-universal", "school-transition"]


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
    answers = ask(languages=("fr", "en"), delivery=("virtual",), concerns=("social-emotional",))
    found = [m.id for m in engine.match_step(directory, engine.eligible(directory, answers), intake_step())]
    assert found == ["french", "light", "specialist"]
    # with no worry at all, nothing beyond prevention is listed
    no_worry = engine.eligible(directory, ask(languages=("fr", "en"), delivery=("virtual",)))
    assert [m.id for m in engine.match_step(directory, no_worry, intake_step())] == ["french", "light"]


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
    assert ("wait-ok", {"days": 3}) in quick.reasons
    assert ("wait-long", {"days": 90}) in slow.cautions


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
    result = plan(TEMPLATE, directory, ask(age_months=36, concerns=("behaviour",), urgency="soon"))
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


# --- Step fit: each service where it belongs, once -----------------------------------------------------


def listed(directory: Directory, answers: Request, key: str) -> list[str]:
    return [
        m.id for m in engine.match_step(directory, engine.eligible(directory, answers), TEMPLATE.step(key))
    ]


def test_a_type_listed_only_where_called_for_stays_off_other_steps():
    welfare = facts(
        "welfare",
        service_types=frozenset({"parenting-support", "child-welfare-support"}),
        concerns=frozenset({"behaviour", "family-stress"}),
    )
    parenting = facts("parenting", service_types=frozenset({"parenting-support"}))
    directory = Directory([welfare, parenting])
    behaviour = ask(age_months=30, concerns=("behaviour", "family-stress"))
    assert listed(directory, behaviour, "caregiver-capacity") == ["parenting"]
    # where the step calls for it, it comes after the less intrusive help
    assert listed(directory, behaviour, "family-support") == ["parenting", "welfare"]


def test_a_program_made_for_the_family_is_listed_wherever_its_other_types_fit():
    kin = facts(
        "kin",
        service_types=frozenset({"caregiver-capacity", "child-welfare-support"}),
        concerns=frozenset({"attachment"}),
        populations=(("kin-foster-caregivers", "only"),),
    )
    directory = Directory([kin])
    assert listed(directory, ask(concerns=("attachment",)), "caregiver-capacity") == []
    caregivers = ask(concerns=("attachment",), populations=("kin-foster-caregivers",))
    assert listed(directory, caregivers, "caregiver-capacity") == ["kin"]


def test_a_step_for_some_worries_lists_services_for_the_familys_worries_among_them():
    directory = Directory(
        [
            facts("money", concerns=frozenset({"family-stress"})),
            facts("feelings", concerns=frozenset({"trauma", "anxiety"})),
            facts("anything"),  # names no concern: not ruled out by them
        ]
    )
    assert listed(directory, ask(concerns=("trauma",)), "intake-navigation") == ["feelings", "anything"]
    assert listed(directory, ask(concerns=("family-stress",)), "intake-navigation") == ["money", "anything"]


def test_a_service_that_helps_with_more_of_the_worries_ranks_first():
    directory = Directory(
        [
            facts("one", concerns=frozenset({"trauma"})),
            facts("all", concerns=frozenset({"trauma", "anxiety"})),
        ]
    )
    assert listed(directory, ask(concerns=("trauma", "anxiety")), "intake-navigation") == ["all", "one"]


def test_each_service_appears_once_at_its_first_step_and_is_referred_to_after():
    everywhere = facts(
        "everywhere",
        service_types=frozenset({"well-child-visit", "family-centre"}),
        tiers=frozenset({"promotion"}),
    )
    result = plan(TEMPLATE, Directory([everywhere]), ask())
    listings = {p.step.key: ([m.id for m in p.services], [m.id for m in p.also]) for p in result.steps}
    assert listings["well-child-visit"] == (["everywhere"], [])
    assert listings["earlyon-drop-in"] == ([], ["everywhere"])
    assert [m.id for m in result.recommendations()] == ["everywhere"]


@pytest.mark.parametrize(
    ("service", "answers", "reason"),
    [
        ({"max_months": 12.0}, {"age_months": 30}, "age"),
        ({"populations": (("first-nations", "only"),)}, {}, "population"),
        ({"areas": (SQUARE,)}, {"location": (43.65, -79.38)}, "area"),
        ({"locations": (LOON_RIVER,)}, {"location": MAPLE_BAY, "max_travel_km": 20}, "distance"),
        ({"languages": frozenset({"fr"})}, {}, "language"),
        ({"cost": frozenset({"fee"})}, {"cost": ("free",)}, "cost"),
        ({"service_types": frozenset({"brief-service"})}, {}, "none-here"),
    ],
)
def test_an_empty_step_says_which_rule_left_no_service(service, answers, reason):
    universal = {"service_types": frozenset({"well-child-visit"}), "tiers": frozenset({"promotion"})}
    directory = Directory([facts("only-one", **(universal | service))])
    family = engine.eligible(directory, ask(**answers))
    assert engine.why_empty(directory, family, TEMPLATE.step("well-child-visit")) == reason


def test_a_step_on_the_way_with_nothing_for_the_family_is_left_out_the_familys_own_steps_stay():
    result = plan(
        TEMPLATE, Directory([facts("intake", concerns=frozenset({"trauma"}))]), ask(concerns=("sleep",))
    )
    empty = {p.step.key: p.empty for p in result.steps if not p.services and not p.also}
    assert empty["well-child-visit"] == "none-here" and empty["caregiver-capacity"] == "none-here"
    assert all(p.why in engine.KEEP_EMPTY for p in result.steps if not p.services and not p.also)


# --- The plan's frame: start here, notices, safety, made for the family ----------------------------------


def crisis_line(key: str = "crisis-line", **values) -> ServiceFacts:
    base = {
        "service_types": frozenset({"crisis-support"}),
        "tiers": frozenset({"crisis"}),
        "delivery": frozenset({"phone"}),
        "locations": (),
    }
    return facts(key, **(base | values))


def test_start_here_is_at_most_three_actions_crisis_help_first():
    directory = Directory(
        [crisis_line("line-a"), crisis_line("line-b"), crisis_line("line-c"), facts("intake", wait_days=1)]
    )
    first = engine.plan(TEMPLATE, directory, ask(urgency="crisis")).start_here
    assert [a.match.id for a in first] == ["line-a", "line-b", "intake"]


def test_start_here_calls_the_help_for_a_screening_result_then_the_first_worry_then_the_check_up():
    directory = Directory(
        [
            facts("doctor", service_types=frozenset({"well-child-visit"}), tiers=frozenset({"promotion"})),
            facts("intake", referral=frozenset({"self-referral"})),
            facts(
                "speech",
                service_types=frozenset({"speech-language"}),
                tiers=frozenset({"early-intervention"}),
            ),
        ]
    )
    answers = ask(age_months=30, concerns=("speech-language",), screening=(("asq-se-2", "above-cutoff"),))
    first = engine.plan(TEMPLATE, directory, answers).start_here
    assert [(a.kind, a.match.id) for a in first] == [
        ("call", "intake"),
        ("call", "speech"),
        ("visit", "doctor"),
    ]


def test_start_here_prefers_help_without_a_fee_and_asks_for_a_referral_when_one_is_needed():
    private = facts(
        "private",
        service_types=frozenset({"speech-language"}),
        cost=frozenset({"fee"}),
        tiers=frozenset({"early-intervention"}),
        wait_days=0,
    )
    public = facts(
        "public",
        service_types=frozenset({"speech-language"}),
        tiers=frozenset({"early-intervention"}),
        wait_days=120,
    )
    first = engine.plan(
        TEMPLATE, Directory([private, public]), ask(age_months=30, concerns=("speech-language",))
    )
    assert first.start_here[0].match.id == "public"
    hub = facts(
        "hub",
        service_types=frozenset({"specialized-assessment"}),
        tiers=frozenset({"specialized"}),
        referral=frozenset({"professional-referral"}),
    )
    autism = engine.plan(TEMPLATE, Directory([hub]), ask(age_months=24, concerns=("autism-signs",)))
    assert [(a.kind, a.match.id) for a in autism.start_here] == [("ask", "hub")]


def test_notices_outside_the_area_at_school_age_and_in_no_language_spoken_here():
    directory = Directory([facts("district", areas=(SQUARE,))])
    assert ("outside-area", {}) in plan(TEMPLATE, directory, ask(location=(43.65, -79.38))).notices
    assert ("outside-area", {}) not in plan(TEMPLATE, directory, ask(location=MAPLE_BAY)).notices
    assert ("school-age", {}) in plan(TEMPLATE, directory, ask(age_months=75)).notices
    somali = plan(TEMPLATE, directory, ask(languages=("so",)))
    assert ("no-service-in-language", {"languages": ["so"]}) in somali.notices


def test_far_outside_the_area_the_first_actions_are_only_what_reaches_the_family():
    directory = Directory(
        [
            facts(
                "clinic",
                service_types=frozenset({"well-child-visit"}),
                tiers=frozenset({"promotion"}),
                areas=(SQUARE,),
            ),
            facts("seminar", service_types=frozenset({"family-centre"}), tiers=frozenset({"promotion"})),
            facts(
                "online",
                service_types=frozenset({"family-centre"}),
                tiers=frozenset({"promotion"}),
                delivery=frozenset({"virtual"}),
                locations=(),
            ),
        ]
    )
    toronto = plan(TEMPLATE, directory, ask(location=(43.65, -79.38), max_travel_km=1000))
    assert ("outside-area", {}) in toronto.notices
    assert [a.match.id for a in toronto.start_here] == ["online"]


def test_a_child_in_care_is_told_to_keep_going_with_the_help_they_have():
    assert ("in-care", {}) in plan(TEMPLATE, Directory([]), ask(in_care=True)).notices
    assert ("in-care", {}) not in plan(TEMPLATE, Directory([]), ask(completing_care=True)).notices


def test_every_plan_carries_the_crisis_lines_that_keep_the_hard_rules():
    directory = Directory(
        [
            crisis_line("phone-line"),
            crisis_line("walk-in", delivery=frozenset({"in-person"}), locations=(MAPLE_BAY,)),
            crisis_line("teens", min_months=144.0, max_months=216.0),
            facts("doctor", service_types=frozenset({"well-child-visit"})),
        ]
    )
    calm = plan(TEMPLATE, directory, ask())
    assert [m.id for m in calm.safety] == ["phone-line", "walk-in"]  # by phone first; not the teens' line
    assert not calm.harm and plan(TEMPLATE, directory, ask(concerns=("caregiver-wellbeing",))).harm


def test_programs_made_for_the_family_come_with_the_plan():
    directory = Directory(
        [
            facts(
                "young-parents",
                service_types=frozenset({"parenting-support"}),
                populations=(("young-parents", "only"),),
            ),
            facts("newcomers", populations=(("newcomer", "only"),)),
        ]
    )
    result = plan(TEMPLATE, directory, ask(age_months=8, populations=("young-parents",)))
    assert [m.id for m in result.for_you] == ["young-parents"]
    assert result.start_here[0].match.id == "young-parents"
    assert plan(TEMPLATE, directory, ask(age_months=8)).for_you == []


def test_in_a_crisis_start_with_the_lines_and_go_to_the_emergency_department_rather_than_phone_it():
    directory = Directory(
        [
            crisis_line(
                "emergency", delivery=frozenset({"in-person"}), locations=(MAPLE_BAY,), name="A emergency"
            ),
            crisis_line("line", name="B line"),
        ]
    )
    first = plan(TEMPLATE, directory, ask(urgency="crisis")).start_here
    assert [(a.kind, a.match.id) for a in first][:2] == [("call", "line"), ("go", "emergency")]


def test_when_it_cannot_wait_the_quickest_help_comes_first():
    directory = Directory(
        [
            facts(
                "parents",
                service_types=frozenset({"parenting-support"}),
                wait_days=60,
                tiers=frozenset({"promotion"}),
            ),
            facts(
                "walk-in",
                service_types=frozenset({"brief-service"}),
                wait_days=0,
                tiers=frozenset({"early-intervention"}),
            ),
        ]
    )
    answers = ask(age_months=36, concerns=("behaviour",), urgency="soon")
    assert plan(TEMPLATE, directory, answers).start_here[0].match.id == "walk-in"
    assert plan(TEMPLATE, directory, replace(answers, urgency="routine")).start_here[0].match.id == "parents"


def test_a_program_only_for_the_familys_group_comes_whatever_the_worry():
    newcomers = facts("newcomers", concerns=frozenset({"family-stress"}), populations=(("newcomer", "only"),))
    result = plan(
        TEMPLATE, Directory([newcomers]), ask(age_months=40, concerns=("anxiety",), populations=("newcomer",))
    )
    assert [m.id for m in result.for_you] == ["newcomers"]


def test_trauma_or_stress_at_home_brings_what_to_do_if_someone_at_home_hurts_them():
    assert plan(TEMPLATE, Directory([]), ask(concerns=("trauma",))).unsafe_home
    assert not plan(TEMPLATE, Directory([]), ask(concerns=("sleep",))).unsafe_home


# --- Each kind of reason, on its own ----------------------------------------------------------------------


def said(kind, service: ServiceFacts, answers: Request, step: str = "intake-navigation", km=None):
    return kind(engine.Why(service, answers, TEMPLATE.step(step), km))


def test_reason_what_it_does_names_the_familys_worries_it_helps_with_else_its_types():
    helps = facts("s", concerns=frozenset({"sleep", "trauma"}))
    assert said(engine._what_it_does, helps, ask(concerns=("trauma",))) == (
        [("concerns", {"concerns": ["trauma"]})],
        [],
    )
    assert said(engine._what_it_does, helps, ask()) == ([("type", {"types": ["navigation"]})], [])
    assert said(engine._what_it_does, helps, ask(urgency="crisis"), "crisis-support") == (
        [("crisis", {})],
        [],
    )


def test_reason_wait_says_how_long_in_days_and_warns_when_longer_than_the_step_means():
    assert said(engine._wait, facts("s", wait_days=0), ask()) == ([("wait-ok", {"days": 0})], [])
    assert said(engine._wait, facts("s", wait_days=30), ask()) == ([], [("wait-long", {"days": 30})])
    assert said(engine._wait, facts("s"), ask()) == ([], [])


def test_reason_cost_free_sliding_scale_or_a_fee():
    assert said(engine._cost, facts("s"), ask()) == ([("free", {})], [])
    assert said(engine._cost, facts("s", cost=frozenset({"sliding-scale", "fee"})), ask()) == (
        [("sliding-scale", {})],
        [],
    )
    assert said(engine._cost, facts("s", cost=frozenset({"fee"})), ask()) == ([], [("fee", {})])


def test_reason_how_to_start_yourself_or_by_referral():
    yourself = facts("s", referral=frozenset({"self-referral"}))
    assert said(engine._how_to_start, yourself, ask()) == ([("self-referral", {})], [])
    referred = facts("s", referral=frozenset({"professional-referral"}))
    assert said(engine._how_to_start, referred, ask()) == ([], [("referral-needed", {})])


def test_reason_distance_near_far_or_comes_to_you():
    assert said(engine._distance, facts("s"), ask(location=MAPLE_BAY), km=3.0)[0] == [("near", {"km": 3.0})]
    assert said(engine._distance, facts("s"), ask(location=MAPLE_BAY, max_travel_km=100), km=80.0)[1] == [
        ("far", {"km": 80.0})
    ]
    visits = facts("s", delivery=frozenset({"home-visit"}))
    assert ("comes-to-you", {"delivery": ["home-visit"]}) in said(
        engine._distance, visits, ask(location=MAPLE_BAY), km=80.0
    )[0]


def test_reason_for_whom_and_language_and_format():
    franco = facts("s", populations=(("francophone", "focus"),), languages=frozenset({"fra"}))
    answers = ask(populations=("francophone",), languages=("fr",), delivery=("virtual",))
    assert said(engine._for_whom, franco, answers) == ([("population", {"populations": ["francophone"]})], [])
    assert said(engine._language, franco, answers) == ([("language", {"languages": ["fr"]})], [])
    assert said(engine._format, franco, answers) == ([], [("delivery-other", {"delivery": ["in-person"]})])
    assert said(engine._language, franco, ask(languages=("ar",))) == ([], [("interpretation", {})])


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
