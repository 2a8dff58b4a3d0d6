"""Who may open every page of the practice registry: a visitor, a stranger (lead of another organization), a
member and the lead of the organization behind a practice, a reviewer assigned to it and an editor, each tried
on every URL the registry serves. A new page fails ``test_every_page_is_in_the_table`` until its row says who
may use it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from carepath.practices.services import surveys
from tests.practices.conftest import a_case_study

pytestmark = pytest.mark.django_db

IN, LOGIN, NO, HIDDEN = "in", "login", "403", "404"  # may use it / sent to sign in / refused / not shown
EVERYONE = (IN,) * 6
EDITOR = (LOGIN, NO, NO, NO, NO, IN)
PEOPLE = ("visitor", "stranger", "member", "lead", "reviewer", "editor")
DRAFT, REVIEWED = {"slug": "{draft}"}, {"slug": "{reviewed}"}
SURVEY = {"pk": "{survey}"}

# name, URL arguments, method, then what each of PEOPLE gets. A draft is seen only by its organization and
# editors (404 for the rest); a practice in review also by its reviewer.
PAGES = [
    ("practices:index", {}, "get", *EVERYONE),
    ("practices:grading", {}, "get", *EVERYONE),
    ("practices:working-group", {}, "get", *EVERYONE),
    ("practices:working-group-edit", {}, "get", *EDITOR),
    ("practices:case-study", {"slug": "{case}"}, "get", HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, IN),
    ("practices:case-study-print", {"slug": "{case}"}, "get", HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, IN),
    ("practices:case-study-approval", {"slug": "{case}"}, "get", LOGIN, NO, NO, NO, NO, HIDDEN),
    ("practices:mine", {}, "get", LOGIN, IN, IN, IN, IN, IN),
    ("practices:create", {}, "get", LOGIN, IN, IN, IN, NO, IN),
    ("practices:instruments", {}, "get", *EDITOR),
    ("practices:survey-start", {}, "get", LOGIN, IN, NO, IN, NO, IN),
    ("practices:survey", SURVEY, "get", LOGIN, NO, IN, IN, NO, IN),
    ("practices:survey-answer", SURVEY, "get", LOGIN, NO, IN, IN, NO, HIDDEN),  # respondents only
    ("practices:survey-consensus", SURVEY, "get", LOGIN, NO, NO, IN, NO, IN),
    ("practices:survey-results", SURVEY, "get", LOGIN, NO, IN, IN, NO, IN),
    ("practices:survey-export", {**SURVEY, "fmt": "csv"}, "get", LOGIN, NO, IN, IN, NO, IN),
    ("practices:detail", DRAFT, "get", HIDDEN, HIDDEN, IN, IN, HIDDEN, IN),
    ("practices:print", DRAFT, "get", HIDDEN, HIDDEN, IN, IN, HIDDEN, IN),
    ("practices:detail", REVIEWED, "get", HIDDEN, HIDDEN, IN, IN, IN, IN),
    ("practices:edit", DRAFT, "get", LOGIN, NO, IN, IN, NO, IN),
    ("practices:edit", REVIEWED, "get", LOGIN, NO, NO, NO, NO, IN),  # submitted: only editors change it
    ("practices:evidence", DRAFT, "get", LOGIN, NO, IN, IN, NO, IN),
    ("practices:history", DRAFT, "get", LOGIN, NO, IN, IN, NO, IN),
    ("practices:history", REVIEWED, "get", LOGIN, NO, IN, IN, IN, IN),
    ("practices:manage", DRAFT, "get", *EDITOR),
    ("practices:approval", DRAFT, "get", LOGIN, NO, NO, NO, NO, HIDDEN),
    ("practices:decide", REVIEWED, "get", *EDITOR),
    ("practices:review", REVIEWED, "get", LOGIN, NO, NO, NO, IN, NO),
    # The writes come last, in this order (each changes what later rows would see).
    ("practices:ask", REVIEWED, "post", LOGIN, NO, NO, NO, IN, IN),
    ("practices:answer", {**REVIEWED, "pk": 999}, "post", LOGIN, NO, HIDDEN, HIDDEN, NO, HIDDEN),
    ("practices:evidence-remove", {**DRAFT, "pk": 999}, "post", LOGIN, NO, HIDDEN, HIDDEN, NO, HIDDEN),
    ("practices:assign", DRAFT, "post", *EDITOR),
    ("practices:unassign", {**DRAFT, "pk": 999}, "post", LOGIN, NO, NO, NO, NO, HIDDEN),
    ("practices:case-study-step", {"slug": "{case}", "action": "publish"}, "post", *EDITOR),
    ("practices:step", {**DRAFT, "action": "start-screening"}, "post", *EDITOR),
    ("practices:submit", DRAFT, "post", LOGIN, NO, IN, IN, NO, IN),
]


def _names():
    """The names of every URL the registry's URLconf serves."""
    names = set()
    for item in get_resolver().url_patterns:
        for inner in getattr(item, "url_patterns", []):
            if getattr(inner, "namespace", None) == "practices":
                names |= {f"practices:{p.name}" for p in inner.url_patterns if p.name}
    return names


def test_every_page_is_in_the_table():
    assert _names() == {name for name, *_ in PAGES}


@pytest.fixture
def made(make_practice, editor, reviewers, lead, staff, organization, ipchs):
    """A draft by the lead's organization, a practice of theirs in review with the first reviewer assigned, a
    survey of the organization that the lead and the member answer, and a case study in draft."""
    draft = make_practice("draft", slug="a-draft")
    reviewed = make_practice("in-review", reviewers=reviewers[:1], editor=editor, slug="in-review")
    survey = surveys.start_survey(
        actor=lead, organization=organization, instrument=ipchs, title="Spring", respondents=[lead, staff]
    )
    case = a_case_study(1)
    return {"draft": draft.slug, "reviewed": reviewed.slug, "survey": survey.pk, "case": case.slug}


def _outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/en/accounts/login/"):
        return LOGIN
    if response.status_code in (403, 404):
        return str(response.status_code)
    return IN


def test_who_may_open_each_page(made, stranger, staff, lead, reviewers, editor):
    """One test over the whole table (the data takes seconds to make); a failure lists every page that
    differs, with what each person got."""
    people = {"visitor": None, "stranger": stranger, "member": staff, "lead": lead}
    people |= {"reviewer": reviewers[0], "editor": editor}
    clients = {}
    for who, user in people.items():
        clients[who] = Client()
        if user is not None:
            clients[who].force_login(user)
    wrong = {}
    for name, kwargs, method, *outcomes in PAGES:
        url = reverse(name, kwargs={key: str(value).format(**made) for key, value in kwargs.items()})
        expected = dict(zip(PEOPLE, outcomes, strict=True))
        got = {who: _outcome(getattr(clients[who], method)(url)) for who in PEOPLE}
        if got != expected:
            wrong[f"{name} {url}"] = got
    assert wrong == {}
