"""Pathway checks: structure, criteria that can never hold, overlaps and coverage of every situation."""

from __future__ import annotations

import time

from carepath.directory import vocabulary
from carepath.pathways import documents
from carepath.pathways.checks import REASONS, check
from carepath.pathways.graph import Pathway
from carepath.pathways.situations import ages as _ages
from carepath.pathways.situations import describe

VOCAB = vocabulary.load()


def step(key, stage="through-care", kind="coordinate", entry=False, transitions=(), **extra):
    return {
        "key": key,
        "stage": stage,
        "kind": kind,
        "entry": entry,
        "title": {"en": key, "fr": key},
        "transitions": list(transitions),
        **extra,
    }


def pathway(*steps) -> Pathway:
    return Pathway.from_dict(
        {"format": "carepath-pathway/1", "title": {"en": "T", "fr": "T"}, "steps": list(steps)}
    )


def codes(findings) -> list[tuple[str, str]]:
    return [(f.code, f.step) for f in findings]


SIMPLE = [
    step(
        "visit",
        "to-care",
        "touchpoint",
        entry=True,
        transitions=[
            {"to": "crisis", "criteria": {"urgency": ["crisis"]}},
            {"to": "done", "otherwise": True},
        ],
    ),
    step("crisis", "through-care", "crisis", transitions=[{"to": "done", "otherwise": True}]),
    step("done", "out-of-care", "transition"),
]


def test_a_sound_pathway_has_no_findings():
    assert check(pathway(*SIMPLE), VOCAB) == []


def test_structure_problems_are_named_with_their_step():
    findings = check(
        pathway(
            step(
                "visit",
                "to-care",
                entry=True,
                transitions=[{"to": "nowhere", "otherwise": True}, {"to": "done", "otherwise": True}],
            ),
            step("done", "out-of-care"),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert codes(findings) == [
        ("duplicate_key", "done"),
        ("two_otherwise", "visit"),
        ("unknown_target", "visit"),
    ]
    assert (
        "Step visit has a transition to nowhere, which is not a step. Choose a step." in findings[2].message()
    )


def test_unreachable_steps_and_dead_ends():
    findings = check(
        pathway(
            step("visit", "to-care", entry=True, transitions=[{"to": "assess", "otherwise": True}]),
            step("assess", "through-care"),
            step("island", "through-care", transitions=[{"to": "done", "otherwise": True}]),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert codes(findings) == [("unreachable", "island"), ("unreachable", "done"), ("dead_end", "assess")]


def test_a_loop_without_a_way_out():
    findings = check(
        pathway(
            step(
                "screen", "to-care", "screen", entry=True, transitions=[{"to": "monitor", "otherwise": True}]
            ),
            step("monitor", "through-care", "monitor", transitions=[{"to": "screen", "otherwise": True}]),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert ("no_way_out", "screen") in codes(findings)
    assert "monitor, screen" in findings[-1].message()


def test_criteria_that_can_never_hold():
    findings = check(
        pathway(
            step(
                "screen",
                "to-care",
                "screen",
                entry=True,
                transitions=[
                    {
                        "to": "assess",
                        "criteria": {
                            "screening": {"tool": "m-chat-r", "results": ["high"]},
                            "age_months": {"min": 40, "max": 60},
                        },
                    },
                    {
                        "to": "assess",
                        "criteria": {"screening": {"tool": "asq-3", "results": ["above-cutoff"]}},
                    },
                    {"to": "assess", "criteria": {"in_care": False, "completing_care": True}},
                    {"to": "done", "otherwise": True},
                ],
            ),
            step(
                "assess",
                "through-care",
                "assess",
                age_months={"min": 0, "max": 30},
                transitions=[{"to": "done", "otherwise": True}],
            ),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    reasons = [REASONS[f.params["reason"]] for f in findings if f.code == "never_holds"]
    assert reasons == [
        "the screening tool is not used at these ages",
        "a screening result is not one of the tool's results",
        "a family cannot be finishing care without being in care",
    ]


def test_unknown_vocabulary_codes():
    findings = check(
        pathway(
            step(
                "visit",
                "to-care",
                entry=True,
                service_types=["magic"],
                transitions=[{"to": "done", "otherwise": True}],
            ),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert codes(findings) == [("unknown_code", "visit")]
    assert findings[0].params == {"value": "magic", "branch": "service-type"}


def test_coverage_finds_the_situations_without_a_route():
    findings = check(
        pathway(
            step(
                "visit",
                "to-care",
                "touchpoint",
                entry=True,
                age_months={"min": 0, "max": 83},
                transitions=[
                    {"to": "done", "criteria": {"age_months": {"min": 0, "max": 59}}},
                ],
            ),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert codes(findings) == [("no_route", "visit")]
    assert describe(findings[0].params["situations"]) == "60-83 months (any urgency; any screening)"


def test_coverage_reports_ages_with_no_way_in():
    findings = check(
        pathway(
            step(
                "visit",
                "to-care",
                "touchpoint",
                entry=True,
                age_months={"min": 12, "max": 83},
                transitions=[{"to": "done", "otherwise": True}],
            ),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert codes(findings) == [("no_entry_for", "")]
    assert describe(findings[0].params["situations"]).startswith("0-11 months")


def test_overlapping_transitions_warn_and_identical_ones_are_errors():
    overlapping = check(
        pathway(
            step(
                "visit",
                "to-care",
                entry=True,
                transitions=[
                    {"to": "a", "criteria": {"age_months": {"min": 0, "max": 40}}},
                    {"to": "b", "criteria": {"age_months": {"min": 30, "max": 83}}},
                    {"to": "done", "otherwise": True},
                ],
            ),
            step("a", transitions=[{"to": "done", "otherwise": True}]),
            step("b", transitions=[{"to": "done", "otherwise": True}]),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert [(f.code, f.severity) for f in overlapping] == [
        ("overlap", "warning"),
        ("otherwise_unused", "warning"),
    ]
    assert describe(overlapping[0].params["example"]) == "30 months (routine; no screening yet)"
    identical = check(
        pathway(
            step(
                "visit",
                "to-care",
                entry=True,
                transitions=[
                    {"to": "a", "criteria": {"urgency": ["soon"]}},
                    {"to": "b", "criteria": {"urgency": ["soon"]}},
                    {"to": "done", "otherwise": True},
                ],
            ),
            step("a", transitions=[{"to": "done", "otherwise": True}]),
            step("b", transitions=[{"to": "done", "otherwise": True}]),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert ("overlap_conflict", "visit") in codes(identical)


def test_in_care_transitions_do_not_overlap_with_new_families():
    findings = check(
        pathway(
            step(
                "visit",
                "to-care",
                entry=True,
                transitions=[
                    {"to": "a", "criteria": {"in_care": True}},
                    {"to": "b", "criteria": {"in_care": False}},
                    {"to": "done", "otherwise": True},
                ],
            ),
            step("a", transitions=[{"to": "done", "otherwise": True}]),
            step("b", transitions=[{"to": "done", "otherwise": True}]),
            step("done", "out-of-care"),
        ),
        VOCAB,
    )
    assert findings == []


def test_describe_groups_situations():
    assert describe(_ages(0, 5)) == "0-5 months (any urgency; any screening)"


def test_checking_a_large_pathway_is_quick():
    steps = [step("s0", "to-care", entry=True, transitions=[{"to": "s1", "otherwise": True}])]
    for index in range(1, 499):
        steps.append(
            step(
                f"s{index}",
                transitions=[
                    {"to": f"s{index + 1}", "criteria": {"age_months": {"min": index % 84, "max": 83}}},
                    {"to": "end", "otherwise": True},
                ],
            )
        )
    steps.append(step("s499", transitions=[{"to": "end", "otherwise": True}]))
    steps.append(step("end", "out-of-care"))
    big = pathway(*steps)
    started = time.perf_counter()
    findings = check(big, VOCAB)
    assert time.perf_counter() - started < 5  # generous: the benchmark measures; this only guards a blow-up
    assert [f for f in findings if f.is_error] == []


def test_every_worry_at_every_age_leads_to_a_step_for_it():
    """A worry with no route of its own from a first step to a step for it gets a warning naming the ages."""
    every = VOCAB.codes("concern")
    findings = check(
        pathway(
            step(
                "visit",
                "to-care",
                "touchpoint",
                entry=True,
                transitions=[
                    {
                        "to": "speech",
                        "criteria": {
                            "concerns_any": ["speech-language"],
                            "age_months": {"min": 0, "max": 40},
                        },
                    },
                    {
                        "to": "help",
                        "criteria": {"concerns_any": [c for c in every if c != "speech-language"]},
                    },
                    {"to": "done", "otherwise": True},
                ],
            ),
            step(
                "speech",
                kind="intervene",
                concerns=["speech-language"],
                transitions=[{"to": "done", "otherwise": True}],
            ),
            step("help", kind="intervene", concerns=every, transitions=[{"to": "done", "otherwise": True}]),
            step("done", "out-of-care", "transition"),
        ),
        VOCAB,
    )
    gaps = [f for f in findings if f.code == "no_help_for"]
    assert [(f.severity, f.params) for f in gaps] == [
        ("warning", {"concern": "speech-language", "ages": "41-83"})
    ]
    assert "leads to no help of its own" in str(gaps[0])


def test_the_ontario_template_has_help_for_every_worry_at_every_age():
    assert check(Pathway.from_dict(documents.template()), VOCAB) == []


def routine_ways_in_until(months: int) -> Pathway:
    """Every routine way in stops at ``months``; the crisis step is a way in for every age."""
    return pathway(
        step(
            "visit",
            "to-care",
            "touchpoint",
            entry=True,
            age_months={"min": 0, "max": months},
            transitions=[{"to": "done", "otherwise": True}],
        ),
        step("crisis", "through-care", "crisis", entry=True, transitions=[{"to": "done", "otherwise": True}]),
        step("done", "out-of-care", "transition"),
    )


def test_a_crisis_step_is_a_way_in_for_a_crisis_only():
    findings = check(routine_ways_in_until(40), VOCAB)
    assert codes(findings) == [("no_entry_for", "")]
    assert describe(findings[0].params["situations"]) == "41-83 months (routine or soon; any screening)"
    # With a routine way in for every age, crisis and routine families are both served.
    assert check(routine_ways_in_until(83), VOCAB) == []


def test_families_sent_to_a_step_they_cannot_leave_are_a_warning_even_when_served_elsewhere():
    sent = pathway(
        step(
            "visit",
            "to-care",
            "touchpoint",
            entry=True,
            transitions=[
                {
                    "to": "assess",
                    "criteria": {"age_months": {"min": 12, "max": 72}, "concerns_any": ["behaviour"]},
                },
                {"to": "done", "otherwise": True},
            ],
        ),
        step(
            "assess",
            "through-care",
            "assess",
            transitions=[{"to": "therapy", "criteria": {"age_months": {"min": 12, "max": 40}}}],
        ),
        step("therapy", "through-care", "intervene", transitions=[{"to": "done", "otherwise": True}]),
        step("done", "out-of-care", "transition"),
    )
    findings = check(sent, VOCAB)
    assert codes(findings) == [("cannot_leave", "assess")]
    assert findings[0].severity == "warning"
    assert describe(findings[0].params["situations"]) == "41-72 months (any urgency; any screening)"
    assert findings[0].params["sources"] == ("visit",)
    message = findings[0].message()
    assert "41-72 months" in message and "step assess (from visit)" in message
    assert "add an 'otherwise' transition" in message


def test_the_template_pathway_passes_every_check():
    assert check(Pathway.from_dict(documents.template()), VOCAB) == []
