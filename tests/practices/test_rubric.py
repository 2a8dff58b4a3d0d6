"""The rubric: agreed ratings to a tier, with properties checked by hypothesis."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from carepath.practices import rubric

GRADING = rubric.load()
RATINGS = st.sampled_from(sorted(rubric.RANK))


def all_at(rating: str, indigenous: bool) -> dict[str, str]:
    return {c.code: rating for c in GRADING.criteria(indigenous)}


def ratings(indigenous: bool):
    return st.fixed_dictionaries({c.code: RATINGS for c in GRADING.criteria(indigenous)})


def test_every_criterion_met_is_best_and_none_met_is_not_graded():
    for indigenous in (False, True):
        assert rubric.grade(GRADING, all_at("met", indigenous), indigenous=indigenous).tier == "best"
        assert rubric.grade(GRADING, all_at("not-met", indigenous), indigenous=indigenous).tier is None


def test_indigenous_practices_are_graded_on_the_aboriginal_ways_tried_and_true_criteria_too():
    assert len(GRADING.criteria(True)) == len(GRADING.criteria(False)) + 6
    ratings = {**all_at("met", True), "awtt-culture": "partly"}
    result = rubric.grade(GRADING, ratings, indigenous=True)
    assert result.tier == "good"
    best = result.tiers[2]
    assert [c.requirement.code for c in best.checks if not c.met] == ["awtt-all"]


def test_indigenous_knowledge_of_effectiveness_can_stand_in_for_study_evidence_only_where_awtt_applies():
    moderate = {**all_at("met", True), "cbpp-evidence": "partly"}
    assert rubric.grade(GRADING, moderate, indigenous=True).tier == "best"
    assert rubric.grade(GRADING, moderate, indigenous=False).tier == "good"
    none = {**all_at("met", True), "cbpp-evidence": "not-met"}
    assert rubric.grade(GRADING, none, indigenous=True).tier == "best"
    assert rubric.grade(GRADING, none, indigenous=False).tier is None


def test_a_promising_practice_needs_a_suitable_credible_source():
    ratings = {**all_at("met", False), "cbpp-credible": "partly"}
    result = rubric.grade(GRADING, ratings, indigenous=False)
    assert result.tier is None
    assert [t.earned for t in result.tiers] == [False, False, False]


def test_four_of_six_leading_criteria_make_good_but_not_best_without_spread():
    ratings = {**all_at("met", False), "lp-spread": "partly", "lp-innovation": "partly"}
    result = rubric.grade(GRADING, ratings, indigenous=False)
    assert result.tier == "good"
    assert [c.requirement.code for c in result.tiers[2].checks if not c.met] == ["spread-adaptable"]


def test_unrated_criteria_count_as_not_met():
    ratings = all_at("met", False)
    del ratings["cbpp-population"]
    assert rubric.grade(GRADING, ratings, indigenous=False).tier is None


@given(st.booleans(), st.data())
def test_raising_a_rating_never_lowers_the_tier(indigenous, data):
    given_ratings = data.draw(ratings(indigenous))
    code = data.draw(st.sampled_from(sorted(given_ratings)))
    better = {**given_ratings, code: "met"}
    rank = {None: 0, "promising": 1, "good": 2, "best": 3}
    before = rubric.grade(GRADING, given_ratings, indigenous=indigenous).tier
    after = rubric.grade(GRADING, better, indigenous=indigenous).tier
    assert rank[after] >= rank[before]


@given(st.booleans(), st.data())
def test_a_tier_is_earned_exactly_when_it_and_every_tier_below_meet_all_their_requirements(indigenous, data):
    result = rubric.grade(GRADING, data.draw(ratings(indigenous)), indigenous=indigenous)
    below = True
    for tier in result.tiers:
        assert tier.earned == (below and all(check.met for check in tier.checks))
        below = tier.earned
        for check in tier.checks:
            assert check.requirement.applies == "all" or indigenous
    earned = [t.tier.code for t in result.tiers if t.earned]
    assert result.tier == (earned[-1] if earned else None)


@given(st.lists(RATINGS, max_size=4))
def test_reviewers_agree_only_when_they_all_gave_the_same_rating(given_ratings):
    agreed = rubric.agreed(given_ratings)
    assert agreed == (given_ratings[0] if given_ratings and len(set(given_ratings)) == 1 else None)
