"""A published pathway as a FHIR R4B Bundle: a PlanDefinition shaped after the CPG-on-FHIR pathway.

- One action per stage (to care, through care, out of care) with the steps inside, in order.
- Each step action: its age window as ``timingRange`` (months), the ActivityDefinition it follows, the
  community services that fit it (extension ``step-service`` pointing at HealthcareService entries), and one
  child action per transition: an applicability ``condition`` in FHIRPath compiled from the criteria, and a
  ``relatedAction`` to the next step. An "otherwise" transition's condition is the negation of its siblings'.
- An ActivityDefinition per step (target days to service as ``timingDuration``), a HealthcareService per
  linked service (id: its HSDS id). French text rides in the standard ``translation`` extension.

Every resource is checked with ``fhir.resources`` before it is returned.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle

from carepath.communities.queries import published_services
from carepath.directory import vocabulary
from carepath.directory.queries import service_facts

from . import gaps, graph
from .models import PathwayVersion
from .queries import graph_of

UCUM = "http://unitsofmeasure.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
STAGE_TITLES = {
    "to-care": {"en": "To care", "fr": "Vers les soins"},
    "through-care": {"en": "Through care", "fr": "Pendant les soins"},
    "out-of-care": {"en": "Out of care", "fr": "Sortie des soins"},
}
STATUS = {"draft": "draft", "in-review": "draft", "published": "active", "retired": "retired"}


def base_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/fhir"


def _french(value: dict[str, str]) -> dict[str, Any] | None:
    if not value.get("fr"):
        return None
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": "fr"},
                    {"url": "content", "valueString": value["fr"]},
                ],
            }
        ]
    }


def _text(target: dict[str, Any], name: str, value: dict[str, str]) -> None:
    """``name`` in English (or French when there is no English), with the French as a translation."""
    text = value.get("en") or value.get("fr")
    if not text:
        return
    target[name] = text
    french = _french(value) if value.get("en") else None
    if french:
        target[f"_{name}"] = french


def _months(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "months", "system": UCUM, "code": "mo"}


def _codes(branch: str, keys: list[str]) -> list[dict[str, Any]]:
    vocab = vocabulary.load()
    out = []
    for key in keys:
        term = vocab.terms.get(f"{branch}/{key}")
        if term is not None:
            out.append(
                {
                    "coding": [
                        {"system": f"{base_url()}/CodeSystem/carepath", "code": term.code, "display": term.en}
                    ],
                    "text": term.en,
                }
            )
    return out


def _transition_action(step: graph.Step, transition: graph.Transition, index: int) -> dict[str, Any]:
    if transition.otherwise:
        others = [graph.fhirpath(t.criteria) for t in step.transitions if not t.otherwise]
        expression = f"({' or '.join(f'({e})' for e in others)}).not()" if others else "true"
    else:
        expression = graph.fhirpath(transition.criteria)
    action: dict[str, Any] = {
        "id": f"{step.key}--{index}--{transition.to}",
        "condition": [
            {"kind": "applicability", "expression": {"language": "text/fhirpath", "expression": expression}}
        ],
        "relatedAction": [{"actionId": transition.to, "relationship": "before-start"}],
    }
    _text(
        action,
        "title",
        transition.label or {"en": f"Then: {transition.to}", "fr": f"Ensuite : {transition.to}"},
    )
    return action


def _step_action(step: graph.Step, services: list[str]) -> dict[str, Any]:
    action: dict[str, Any] = {
        "id": step.key,
        "definitionCanonical": f"{base_url()}/ActivityDefinition/{step.key}",
        "timingRange": {"low": _months(step.age.min), "high": _months(step.age.max)},
        "code": _codes("service-type", step.service_types),
        "reason": _codes("concern", step.concerns),
    }
    _text(action, "title", step.title)
    _text(action, "description", step.text)
    if services:
        action["extension"] = [
            {
                "url": f"{base_url()}/StructureDefinition/step-service",
                "valueReference": {"reference": f"HealthcareService/{sid}"},
            }
            for sid in services
        ]
    if step.transitions:
        action["action"] = [_transition_action(step, t, i) for i, t in enumerate(step.transitions)]
    return {key: value for key, value in action.items() if value != []}


def _activity(step: graph.Step, status: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        "id": step.key,
        "url": f"{base_url()}/ActivityDefinition/{step.key}",
        "name": step.key.replace("-", "_"),
        "status": status,
        "kind": "ServiceRequest",
        "topic": _codes("sector", step.sectors),
        "code": (_codes("service-type", step.service_types) or [None])[0],
        "relatedArtifact": [
            {
                "type": "documentation" if link.kind != "evidence" else "citation",
                "url": link.url,
                "display": link.title.get("en") or link.title.get("fr"),
            }
            for link in step.links
        ],
    }
    _text(resource, "title", step.title)
    _text(resource, "description", step.text)
    if step.target_days is not None:
        resource["timingDuration"] = {"value": step.target_days, "unit": "days", "system": UCUM, "code": "d"}
    return {key: value for key, value in resource.items() if value not in ([], None)}


def _healthcare_service(facts: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "HealthcareService",
        "id": facts.id,
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{facts.id}"}],
        "active": facts.active,
        "type": _codes("service-type", sorted(facts.service_types)),
        "communication": [
            {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]} for code in sorted(facts.languages)
        ],
        "providedBy": {"display": facts.organization} if facts.organization else None,
    }
    _text(resource, "name", {"en": facts.name, "fr": facts.name_fr})
    return {key: value for key, value in resource.items() if value not in ([], None)}


def bundle(version: PathwayVersion) -> dict[str, Any]:
    """The version as a FHIR R4B Bundle (type collection), validated with fhir.resources."""
    plan = graph_of(version)
    community = version.pathway.community
    facts = service_facts(published_services(community))
    inventory = gaps.Inventory(facts)
    step_services = {step.key: inventory.ids(gaps.step_gaps(step, inventory).mask) for step in plan.steps}
    status = STATUS[version.status]
    definition: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": str(version.pathway_id),
        "url": f"{base_url()}/PlanDefinition/{version.pathway_id}",
        "version": str(version.number),
        "name": f"carepath_{community.slug.replace('-', '_')}",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                    "code": "clinical-protocol",
                }
            ]
        },
        "status": status,
        "subjectCodeableConcept": {"text": "Children from birth to 6 years and their families"},
        "action": [],
    }
    _text(definition, "title", plan.title)
    _text(definition, "description", plan.description)
    if version.published_at:
        definition["date"] = version.published_at.isoformat()
    for stage, titles in STAGE_TITLES.items():
        steps = [s for s in plan.steps if s.stage == stage]
        if steps:
            stage_action: dict[str, Any] = {
                "id": stage,
                "action": [_step_action(s, step_services[s.key]) for s in steps],
            }
            _text(stage_action, "title", titles)
            definition["action"].append(stage_action)
    resources = [definition, *(_activity(step, status) for step in plan.steps)]
    linked = {sid for ids in step_services.values() for sid in ids}
    resources += [_healthcare_service(f) for f in facts if f.id in linked]
    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"{base_url()}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
    Bundle.model_validate(document)  # raises when a resource is not valid FHIR R4B
    return document
