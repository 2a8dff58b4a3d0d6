"""What changed between two versions (``diff.compare``): sets compared as sets, values before and after."""

from __future__ import annotations

import copy

from carepath.pathways import documents
from carepath.pathways.diff import FieldChange, compare
from carepath.pathways.graph import AgeRange, Link, Pathway

TEMPLATE = documents.template()


def edited(change) -> tuple[Pathway, Pathway]:
    """The template, and the template after ``change`` (a function of its document) was made to a copy."""
    document = copy.deepcopy(TEMPLATE)
    change(document)
    return Pathway.from_dict(TEMPLATE), Pathway.from_dict(document)


def step(document, key):
    return next(s for s in document["steps"] if s["key"] == key)


def test_the_same_pathway_has_no_change():
    found = compare(Pathway.from_dict(TEMPLATE), Pathway.from_dict(TEMPLATE))
    assert not found and found.steps == [] and found.fields == []


def test_lists_in_another_order_are_no_change():
    def shuffle(document):
        for item in document["steps"]:
            for name in ("service_types", "tiers", "concerns", "sectors", "links", "transitions"):
                item[name] = list(reversed(item.get(name, [])))
            for transition in item["transitions"]:
                criteria = transition.get("criteria", {})
                for name in ("concerns_any", "concerns_all", "urgency"):
                    if name in criteria:
                        criteria[name] = list(reversed(criteria[name]))
                if "screening" in criteria:
                    criteria["screening"]["results"] = list(reversed(criteria["screening"]["results"]))
        document["steps"].reverse()

    before, after = edited(shuffle)
    assert step(TEMPLATE, "wait-support")["service_types"] == [
        "wait-support",
        "caregiver-capacity",
    ]  # shuffled
    assert not compare(before, after)


def test_a_set_that_changed_says_what_came_and_went_with_the_values_before_and_after():
    def change(document):
        item = step(document, "wait-support")
        item["service_types"] = ["caregiver-capacity", "navigation"]  # wait-support out, navigation in

    (found,) = compare(*edited(change)).steps
    assert (found.key, found.change, found.field_names) == ("wait-support", "changed", ["service_types"])
    assert found.fields == [
        FieldChange(
            "service_types",
            before=("wait-support", "caregiver-capacity"),
            after=("caregiver-capacity", "navigation"),
            added=("navigation",),
            removed=("wait-support",),
        )
    ]


def test_every_field_of_a_step_is_compared_with_its_values():
    def change(document):
        item = step(document, "brief-service")
        item.update(
            stage="to-care", kind="consult", entry=True, target_days=21, age_months={"min": 12, "max": 60}
        )
        item["title"] = {"en": "Brief help", "fr": item["title"]["fr"]}
        item["text"] = {"en": item["text"]["en"]}  # the French text removed
        item["links"] = [{"url": "https://example.org/guide", "title": {"en": "Guide", "fr": "Guide"}}]

    before, after = edited(change)
    (found,) = compare(before, after).steps
    was = step(TEMPLATE, "brief-service")
    assert found.field_names == ["stage", "kind", "entry", "title", "text", "age", "target_days", "links"]
    by_name = {(f.name, f.language): f for f in found.fields}
    assert (by_name["stage", None].before, by_name["stage", None].after) == ("through-care", "to-care")
    assert (by_name["kind", None].before, by_name["kind", None].after) == ("intervene", "consult")
    assert (by_name["entry", None].before, by_name["entry", None].after) == (False, True)
    assert (by_name["title", "en"].before, by_name["title", "en"].after) == (was["title"]["en"], "Brief help")
    assert ("title", "fr") not in by_name  # the French title did not change
    assert (by_name["text", "fr"].before, by_name["text", "fr"].after) == (was["text"]["fr"], "")
    assert (by_name["age", None].before, by_name["age", None].after) == (AgeRange(0, 83), AgeRange(12, 60))
    assert (by_name["target_days", None].before, by_name["target_days", None].after) == (14, 21)
    links = by_name["links", None]
    assert links.added == (Link("https://example.org/guide", {"en": "Guide", "fr": "Guide"}),)
    assert [link.url for link in links.removed] == [link["url"] for link in was["links"]]


def test_a_link_whose_title_changed_is_one_gone_and_one_new():
    def change(document):
        step(document, "assessment")["links"][0]["title"]["en"] = "A new title"

    (found,) = compare(*edited(change)).steps
    (links,) = found.fields
    assert links.name == "links"
    assert [link.title["en"] for link in links.added] == ["A new title"]
    assert links.removed[0].title["en"] != "A new title" and links.removed[0].url == links.added[0].url


def test_a_transition_whose_criteria_changed_says_each_condition_before_and_after():
    def change(document):
        transitions = step(document, "intake-navigation")["transitions"]
        brief = next(t for t in transitions if t["to"] == "brief-service")
        brief["criteria"]["urgency"] = ["soon", "routine"]  # soon added
        brief["criteria"]["concerns_any"].remove("anxiety")
        brief["criteria"]["age_months"] = {"min": 6, "max": 83}
        brief["criteria"]["in_care"] = False
        brief["label"]["fr"] = "Commencer par un service bref"

    (found,) = compare(*edited(change)).steps
    assert (found.key, found.change, found.fields) == ("intake-navigation", "changed", [])
    (transition,) = found.transitions
    assert (transition.to, transition.change) == ("brief-service", "changed")
    by_name = {f.name: f for f in transition.fields}
    assert list(by_name) == ["label", "age", "concerns_any", "urgency", "in_care"]
    assert by_name["label"].language == "fr" and by_name["label"].after == "Commencer par un service bref"
    assert (by_name["age"].before, by_name["age"].after) == (None, AgeRange(6, 83))
    assert (by_name["concerns_any"].added, by_name["concerns_any"].removed) == ((), ("anxiety",))
    assert by_name["urgency"] == FieldChange(
        "urgency", before=("routine",), after=("soon", "routine"), added=("soon",), removed=()
    )
    assert (by_name["in_care"].before, by_name["in_care"].after) == (None, False)


def test_screening_results_are_a_set_and_a_new_tool_is_a_new_condition():
    def change(document):
        transitions = step(document, "developmental-screening")["transitions"]
        rescreen = [t for t in transitions if t["to"] == "monitor-rescreen"]
        rescreen[0]["criteria"]["screening"]["results"] = ["monitor", "above-cutoff"]
        rescreen[2]["criteria"]["screening"] = {"tool": "asq-3", "results": ["monitor"]}

    (found,) = compare(*edited(change)).steps
    first, third = found.transitions
    (screening,) = first.fields
    assert screening == FieldChange(
        "screening",
        before=("asq-se-2", ("monitor",)),
        after=("asq-se-2", ("monitor", "above-cutoff")),
        added=("above-cutoff",),
        removed=(),
    )
    (tool,) = third.fields
    assert (tool.before, tool.after, tool.added) == (("m-chat-r", ("medium",)), ("asq-3", ("monitor",)), ())


def test_transitions_added_and_removed_and_one_that_only_moved():
    def change(document):
        transitions = step(document, "crisis-support")["transitions"]
        transitions.reverse()  # moved: no change
        transitions.append({"to": "family-support", "criteria": {"concerns_any": ["family-stress"]}})
        step(document, "wait-support")["transitions"] = [
            t for t in step(document, "wait-support")["transitions"] if t["to"] != "brief-service"
        ]

    found = {s.key: s for s in compare(*edited(change)).steps}
    assert set(found) == {"crisis-support", "wait-support"}
    (added,) = found["crisis-support"].transitions
    assert (added.to, added.change, added.before) == ("family-support", "added", None)
    assert added.after.criteria.concerns_any == ("family-stress",)
    (removed,) = found["wait-support"].transitions
    assert (removed.to, removed.change, removed.after) == ("brief-service", "removed", None)
    assert removed.before.criteria.urgency == ("soon",)


def test_steps_added_and_removed_carry_their_values_and_transitions():
    def change(document):
        document["steps"] = [s for s in document["steps"] if s["key"] != "earlyon-drop-in"]
        document["steps"].append(
            {
                "key": "library-story-time",
                "stage": "to-care",
                "kind": "touchpoint",
                "title": {"en": "Story time at the library", "fr": "L’heure du conte à la bibliothèque"},
                "service_types": ["family-centre"],
                "transitions": [{"to": "step-down-universal", "otherwise": True}],
            }
        )

    found = compare(*edited(change)).steps
    assert [(s.key, s.change) for s in found] == [
        ("library-story-time", "added"),
        ("earlyon-drop-in", "removed"),
    ]
    added, removed = found
    assert {(f.name, f.language): (f.before, f.after) for f in added.fields} == {
        ("stage", None): (None, "to-care"),
        ("kind", None): (None, "touchpoint"),
        ("title", "en"): ("", "Story time at the library"),
        ("title", "fr"): ("", "L’heure du conte à la bibliothèque"),
        ("service_types", None): ((), ("family-centre",)),
        ("age", None): (None, AgeRange(0, 83)),
    }
    assert [(t.to, t.change) for t in added.transitions] == [("step-down-universal", "added")]
    assert all(f.after in (None, "", (), False) for f in removed.fields)
    assert [t.change for t in removed.transitions] == ["removed"] * len(
        step(TEMPLATE, "earlyon-drop-in")["transitions"]
    )


def test_the_pathway_title_and_description_are_compared_in_each_language():
    def change(document):
        document["title"]["fr"] = "Parcours de soins en santé mentale de la petite enfance"
        document["description"]["en"] = "Our community's pathway."

    found = compare(*edited(change))
    assert found.steps == []
    assert found.fields == [
        FieldChange(
            "title",
            before=TEMPLATE["title"]["fr"],
            after="Parcours de soins en santé mentale de la petite enfance",
            language="fr",
        ),
        FieldChange(
            "description",
            before=TEMPLATE["description"]["en"],
            after="Our community's pathway.",
            language="en",
        ),
    ]
