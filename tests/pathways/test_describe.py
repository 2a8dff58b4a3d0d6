"""Criteria and codes in words, in English and in French: labels built from the catalogue, never codes."""

from __future__ import annotations

from django.utils import translation

from carepath.pathways import describe
from carepath.pathways.graph import KINDS, STAGES, AgeRange, Criteria

CRITERIA = Criteria(
    age=AgeRange(12, 40),
    concerns_any=("trauma", "anxiety"),
    screening_tool="asq-3",
    screening_results=("below-cutoff", "monitor"),
    urgency=("routine", "soon"),
)


def test_criteria_read_as_sentences_in_english():
    assert describe.conditions(CRITERIA) == [
        "The child is 12 to 40 months old.",
        "The family is worried about any of: trauma, loss or adversity; fears and anxiety.",
        "Screened with ASQ-3: below the cutoff or monitoring zone.",
        "Urgency: routine or soon.",
    ]


def test_criteria_read_as_french_sentences():
    with translation.override("fr"):
        assert describe.conditions(CRITERIA) == [
            "L'enfant a de 12 à 40 mois.",
            "La famille s'inquiète d'au moins un de ces sujets\u00a0: traumatisme, perte ou adversité\u202f; "
            "peurs et anxiété.",
            "Résultat du dépistage ASQ-3\u00a0: sous le seuil ou zone de surveillance.",
            "Urgence\u00a0: habituelle ou bientôt.",
        ]


def test_every_kind_and_stage_has_a_label_in_both_languages():
    for language in ("en", "fr"):
        with translation.override(language):
            assert [k for k in KINDS if describe.kind(k) == k] == []
            assert [s for s in STAGES if describe.stage(s) == s] == []
    with translation.override("fr"):
        assert (
            describe.kind("touchpoint") == "Point de contact"
            and describe.stage("to-care") == "Vers les soins"
        )


def test_a_screening_result_in_the_readers_words():
    with translation.override("fr"):
        assert describe.screening("asq-se-2", "above-cutoff") == "ASQ:SE-2\u00a0: au-dessus du seuil"
    assert describe.screening("m-chat-r", "high") == "M-CHAT-R/F: high risk"


def test_a_label_keeps_its_acronym_inside_a_sentence():
    assert describe.in_sentence("Sleep") == "sleep"
    assert describe.in_sentence("ASQ-3 results") == "ASQ-3 results"
