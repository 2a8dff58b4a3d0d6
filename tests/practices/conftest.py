"""Registry people and records: an editor, two reviewers, an organization's lead and member, an outsider."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from carepath.practices import rubric
from carepath.practices.models import Instrument
from carepath.practices.services import content, organizations, practices, reviews
from tests.conftest import _user


def an_organization(slug: str, name_en: str, name_fr: str, *, kind: str = "chc", jurisdiction: str = "ON"):
    data = {"slug": slug, "name_en": name_en, "name_fr": name_fr, "kind": kind, "jurisdiction": jurisdiction}
    return organizations.save_organization(actor=None, organization_id=None, data=data)


@pytest.fixture
def organization(db):
    return an_organization("lakeview", "Lakeview CHC", "CSC Lakeview")


@pytest.fixture
def editor(db):
    return _user("edith", working_group_role="editor", first_name="Edith")


@pytest.fixture
def reviewers(db):
    return [_user(name, working_group_role="reviewer", first_name=name.title()) for name in ("rita", "raj")]


def _member(organization, name: str, role: str):
    user = _user(name, first_name=name.title())
    organizations.save_member(
        actor=None, organization_id=organization.pk, member_id=None, user_id=user.pk, role=role
    )
    return user


@pytest.fixture
def lead(organization):
    return _member(organization, "lena", "lead")


@pytest.fixture
def staff(organization):
    return _member(organization, "sam", "member")


@pytest.fixture
def stranger(db):
    other = an_organization("elsewhere", "Elsewhere", "Ailleurs", kind="other", jurisdiction="BC")
    return _member(other, "stan", "lead")


def a_reviewer(n: int):
    return _user(f"reviewer{n}", working_group_role="reviewer", first_name=f"Reviewer {n}")


def a_case_study(n: int, *, sections: int = 1, sources: int = 1):
    both = {"en": f"Case {n}", "fr": f"Cas {n}"}
    return content.save_case_study(
        actor=None,
        document={
            "slug": f"case-{n}",
            "title": both,
            "summary": both,
            "sections": [
                {"heading": {"en": f"Part {i}", "fr": f"Partie {i}"}, "body": both} for i in range(sections)
            ],
            "sources": [
                {"title": {"en": f"Source {i}", "fr": f"Source {i}"}, "publisher": "WHO", "year": 2016}
                for i in range(sources)
            ],
        },
    )


@pytest.fixture
def ipchs(db):
    return Instrument.objects.get(code="ipchs", version=1)


def practice_data(**extra: Any) -> dict[str, Any]:
    data = {
        "slug": "one-door",
        "name_en": "One door",
        "name_fr": "Guichet unique",
        "summary_en": "One intake for every service.",
        "summary_fr": "Un seul accueil pour tous les services.",
        "core_components_en": "One form",
        "core_components_fr": "Un formulaire",
        "outcomes_en": "Faster first service.",
        "outcomes_fr": "Premier service plus rapide.",
        "contacts": "Lena, lena@example.org",
        "jurisdictions": ["ON"],
        "dimensions": ["equity"],
        "settings": ["rural"],
        "approaches": ["4.1"],
    }
    return {**data, **extra}


@pytest.fixture
def make_practice(organization, lead, ipchs):
    """A practice by the lead's organization, taken as far along the workflow as asked."""

    def make(stage: str = "draft", *, reviewers=(), editor=None, ratings: str = "met", **extra):
        practice = practices.create_practice(
            actor=lead, organizations=[organization], data={**practice_data(**extra), "instrument": ipchs}
        )
        practices.add_evidence(
            actor=lead,
            practice=practice,
            data={"kind": "evaluation", "title": "Evaluation 2025", "date": datetime.date(2025, 6, 1)},
        )
        order = ["draft", "submitted", "screening", "in-review", "decided", "published"]
        if order.index(stage) >= 1:
            practices.submit(actor=lead, practice=practice)
        if order.index(stage) >= 2:
            practices.start_screening(actor=editor, practice=practice)
        if order.index(stage) >= 3:
            practices.screen(actor=editor, practice=practice, accept=True, note="")
            for reviewer in reviewers:
                assignment = reviews.assign_reviewer(actor=editor, practice=practice, reviewer=reviewer)
                if order.index(stage) >= 4:
                    reviews.declare_interests(
                        actor=reviewer, assignment=assignment, has_conflict=False, note=""
                    )
                    reviews.rate(
                        actor=reviewer,
                        assignment=assignment,
                        ratings={c: (ratings, "", list(practice.evidence.all())) for c in criteria(practice)},
                        finish=True,
                    )
        if order.index(stage) >= 4:
            reviews.decide(
                actor=editor,
                practice=practice,
                agreed=dict.fromkeys(criteria(practice), ratings),
                rationale_en="Strong evaluation.",
                rationale_fr="Évaluation solide.",
            )
        if order.index(stage) >= 5:
            practices.publish(actor=editor, practice=practice)
        practice.refresh_from_db()
        return practice

    return make


def criteria(practice) -> list[str]:
    return [c.code for c in rubric.load().criteria(practice.indigenous)]
