"""Pathway versions: the template, drafts, publishing, JSON and FHIR exchange."""

from __future__ import annotations

import json

import fhirpathpy
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from fhir.resources.R4B.bundle import Bundle

from carepath.communities.models import Community
from carepath.pathways import documents, graph, queries, services
from carepath.pathways.models import PathwayVersion

from .conftest import publish_reviewed

pytestmark = pytest.mark.django_db


def test_create_community_publishes_the_template(capsys):
    call_command("create-community", "riverside", name="Riverside")
    community = Community.objects.get(slug="riverside")
    version = PathwayVersion.objects.get(pathway__community=community)
    assert (version.status, version.number) == ("published", 1)
    assert version.steps.count() == len(documents.template()["steps"])
    assert version.title_fr == documents.template()["title"]["fr"]
    assert "with its pathway published from the template (version 1" in capsys.readouterr().out


def test_the_template_round_trips_exactly(community):
    version = services.start_draft(community=community, actor=None)
    exported = queries.graph_of(version).to_dict()
    template = graph.Pathway.from_dict(documents.template()).to_dict()
    for name in ("id", "version", "status", "community"):
        exported.pop(name)
    assert exported == template
    assert documents.schema_errors(exported) == []


def test_publishing_retires_the_previous_version(community):
    first = services.publish_template(community=community)
    draft = services.start_draft(community=community, actor=None, from_version=first)
    assert (draft.number, draft.status, draft.based_on) == (2, "draft", first)
    publish_reviewed(draft)
    first.refresh_from_db()
    assert (first.status, draft.status) == ("retired", "published")


def test_errors_block_publishing(community):
    document = documents.template()
    document["steps"][0]["transitions"] = []  # the first step becomes a dead end
    version = services.import_document(community=community, document=document)
    with pytest.raises(services.PublishBlockedError) as blocked:
        services.publish(version=version, actor=None)
    assert "dead_end" in [f.code for f in blocked.value.findings if f.is_error]
    version.refresh_from_db()
    assert version.status == "draft"


def test_import_pathway_refuses_a_broken_file_and_names_the_problems(tmp_path, community, capsys):
    path = tmp_path / "pathway.json"
    path.write_text(json.dumps({"format": "carepath-pathway/1", "title": {"en": "X"}, "steps": []}))
    with pytest.raises(CommandError):
        call_command("import-pathway", str(path), community="lakeside")
    err = capsys.readouterr().err
    assert "error: steps: [] should be non-empty" in err
    assert "error: title: 'fr' is a required property" in err
    assert not PathwayVersion.objects.exists()


def test_export_then_import_pathway_json(tmp_path, community):
    services.publish_template(community=community)
    call_command("export-pathway", str(tmp_path / "out.json"), community="lakeside")
    document = json.loads((tmp_path / "out.json").read_text())
    assert documents.schema_errors(document) == []
    call_command("import-pathway", str(tmp_path / "out.json"), community="lakeside")
    draft = PathwayVersion.objects.get(pathway__community=community, number=2)
    again = queries.graph_of(draft).to_dict()
    assert {k: v for k, v in again.items() if k not in ("version", "status")} == {
        k: v for k, v in document.items() if k not in ("version", "status")
    }


def test_fhir_bundle_is_valid_and_its_conditions_evaluate(tmp_path, demo):
    services.publish_template(community=demo)
    call_command("export-pathway", str(tmp_path / "fhir.json"), community="north-shore", format="fhir")
    document = json.loads((tmp_path / "fhir.json").read_text())
    Bundle.model_validate(document)
    kinds = [entry["resource"]["resourceType"] for entry in document["entry"]]
    assert kinds[0] == "PlanDefinition"
    assert kinds.count("ActivityDefinition") == len(documents.template()["steps"])
    assert kinds.count("HealthcareService") == 54  # the demo's services some step of the template lists
    plan = document["entry"][0]["resource"]
    assert [action["id"] for action in plan["action"]] == ["to-care", "through-care", "out-of-care"]
    assert (
        plan["_title"]["extension"][0]["extension"][1]["valueString"] == documents.template()["title"]["fr"]
    )
    screening = next(
        a for stage in plan["action"] for a in stage["action"] if a["id"] == "developmental-screening"
    )
    assert screening["timingRange"]["low"]["code"] == "mo"
    pathway = graph.Pathway.from_dict(documents.template())
    actions = {a["id"]: a for stage in plan["action"] for a in stage["action"]}
    situations = [
        graph.Situation(age_months=24, screening={"asq-se-2": "above-cutoff"}),
        graph.Situation(age_months=18, screening={"m-chat-r": "high"}, concerns=frozenset({"autism-signs"})),
        graph.Situation(age_months=50, urgency="crisis", concerns=frozenset({"behaviour"})),
        graph.Situation(age_months=62, in_care=True, completing_care=True, concerns=frozenset({"anxiety"})),
        graph.Situation(age_months=6, urgency="soon", concerns=frozenset({"sleep", "caregiver-wellbeing"})),
    ]
    compared = 0
    for situation in situations:
        env = graph.fhirpath_environment(situation)
        for step in pathway.steps:
            chosen = [
                transition["relatedAction"][0]["actionId"]
                for transition in actions[step.key].get("action", [])
                if fhirpathpy.evaluate({}, transition["condition"][0]["expression"]["expression"], env)
                == [True]
            ]
            assert chosen == [t.to for t in graph.next_steps(pathway, step, situation)], (step.key, situation)
            compared += 1
    assert compared == 5 * len(pathway.steps)
