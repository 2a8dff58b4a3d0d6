"""Who may open every page of the practice registry: a visitor, a stranger (lead of another organization), a
member and the lead of the organization behind a practice, a reviewer assigned to it and an editor, each tried
on every URL the registry serves. A new page fails ``test_every_page_is_in_the_table`` until its row says who
may use it."""

from __future__ import annotations

import pytest

from carepath.practices.services import surveys
from tests.practices.conftest import a_case_study
from tests.who_may import HIDDEN, IN, LOGIN, NO, differences, url_names

pytestmark = pytest.mark.django_db

EVERYONE = (IN,) * 6
EDITOR = (LOGIN, NO, NO, NO, NO, IN)
DRAFT, REVIEWED = {"slug": "{draft}"}, {"slug": "{reviewed}"}
SURVEY = {"pk": "{survey}"}

# name, URL arguments, method, then what a visitor, a stranger, a member, the lead, the reviewer and an
# editor get. A draft is seen only by its organization and editors (404 for the rest); a practice in review
# also by its reviewer.
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


def test_every_page_is_in_the_table():
    assert url_names("practices") == {name for name, *_ in PAGES}


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


def test_who_may_open_each_page(made, stranger, staff, lead, reviewers, editor):
    """One test over the whole table (the data takes seconds to make); a failure lists every page that
    differs, with what each person got."""
    people = {"visitor": None, "stranger": stranger, "member": staff, "lead": lead}
    people |= {"reviewer": reviewers[0], "editor": editor}
    assert differences(PAGES, people, made) == {}
