"""The family journey and the provider view: questions, plan, crisis contacts, print, saved plans."""

from __future__ import annotations

import datetime
import html
import json
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath import versions
from carepath.communities.models import Community
from carepath.communities.services import get_or_create_community
from carepath.directory.models import Service
from carepath.navigator import services, snapshots
from carepath.navigator.models import SavedPlan, token_hash
from carepath.pathways.services import publish_template
from tests.factories import service
from tests.query_counts import assert_queries_do_not_grow, page

pytestmark = pytest.mark.django_db
JOURNEY = "/en/communities/north-shore/navigator/"
ANSWERS = {
    "age_months": "18",
    "concerns": ["social-emotional", "sleep"],
    "screen_asq-se-2": "above-cutoff",
    "urgency": "routine",
    "language_1": "en",
    "max_travel_km": "60",
    "place": "maple-bay",
}


def step_titles(response) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<h3 id="step-[^"]*">([^<]*)', response.content.decode())]


def posted_answers(response) -> str:
    return html.unescape(re.search(r'name="answers" value="([^"]*)"', response.content.decode()).group(1))


def test_navigator_goes_straight_to_the_only_community(client, demo):
    assert client.get("/en/navigator/")["Location"] == JOURNEY
    second = Community.objects.create(slug="second", name="Second table")
    publish_template(community=second)
    page = client.get("/en/navigator/")
    assert page.status_code == 200 and "Second table" in page.content.decode()


def test_the_list_of_communities_takes_the_same_queries_for_two_communities_or_four(client, db):
    def add(n: int) -> None:
        publish_template(community=get_or_create_community(slug=f"table-{n}", name=f"Table {n}"))

    assert_queries_do_not_grow(  # with one community the navigator goes straight to it: no list
        add=add,
        fetch=page(client, "/en/navigator/"),
        shown=lambda html: html.count('<li class="card">'),
        sizes=(2, 4),
    )


def a_speech_clinic(import_file, n: int) -> None:
    terms = [("service-type/speech-language", None), ("concern/speech-language", None)]
    import_file(service(f"speech-{n}", name=f"Speech clinic {n}", terms=terms))


@pytest.mark.parametrize("plan", ["plan", "provider/plan"])
def test_a_plan_takes_the_same_queries_for_one_service_or_three(client, community, import_file, plan):
    publish_template(community=community)
    assert_queries_do_not_grow(
        add=lambda n: a_speech_clinic(import_file, n),
        fetch=page(client, f"/en/communities/lakeside/navigator/{plan}/?{SPEECH}"),
        shown=speech_clinics,
    )


SPEECH = "age_months=30&concerns=speech-language&urgency=routine&language_1=en&max_travel_km=60"


def speech_clinics(html: str) -> int:
    return len(set(re.findall(r"Speech clinic (\d)", html)))


def posted(client, path: str, data: dict) -> Callable[[], str]:
    """A ``fetch`` for a page a form posts to (the printed plan, the referral summary)."""

    def fetch() -> str:
        response = client.post(path, data)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        return response.content.decode()

    return fetch


def test_the_questions_take_the_same_queries_for_one_crisis_service_or_three(client, community, import_file):
    publish_template(community=community)
    crisis = [("service-type/crisis-support", None)]
    assert_queries_do_not_grow(  # the crisis box shows three at most
        add=lambda n: import_file(service(f"crisis-{n}", name=f"Crisis line {n}", terms=crisis)),
        fetch=page(client, "/en/communities/lakeside/navigator/"),
        shown=lambda html: len(re.findall(r"<li><strong>Crisis line \d</strong>", html)),
    )


@pytest.mark.parametrize("view", ["", "print/"])
def test_a_saved_plan_takes_the_same_queries_for_one_service_or_three(client, community, import_file, view):
    publish_template(community=community)
    answers = json.loads(posted_answers(client.get(f"/en/communities/lakeside/navigator/plan/?{SPEECH}")))
    token, _saved = services.save_plan(community=community, answers=answers)
    assert_queries_do_not_grow(
        add=lambda n: a_speech_clinic(import_file, n),
        fetch=page(client, f"/en/plan/{token}/{view}"),
        shown=speech_clinics,
    )


def test_a_printed_plan_takes_the_same_queries_for_one_service_or_three(client, community, import_file):
    publish_template(community=community)
    answers = posted_answers(client.get(f"/en/communities/lakeside/navigator/plan/?{SPEECH}"))
    assert_queries_do_not_grow(
        add=lambda n: a_speech_clinic(import_file, n),
        fetch=posted(client, "/en/communities/lakeside/navigator/print/", {"answers": answers}),
        shown=speech_clinics,
    )


# The steps to take now for a child of 30 months whose speech worries the family, and a service type of each.
NOW = [("preschool-speech-language", "speech-language"), ("well-child-visit", "well-child-visit")]
NOW += [("earlyon-drop-in", "family-centre")]


def test_the_referral_summary_takes_the_same_queries_for_one_step_to_refer_to_or_three(
    client, community, import_file
):
    """One row for each step to take now that has a service: the first service of each."""
    publish_template(community=community)
    answers = posted_answers(client.get(f"/en/communities/lakeside/navigator/plan/?{SPEECH}"))

    def add(n: int) -> None:
        step, kind = NOW[n - 1]
        terms = [(f"service-type/{kind}", None), ("concern/speech-language", None)]
        import_file(service(f"referral-{n}", name=f"Referral {n} for {step}", terms=terms))

    assert_queries_do_not_grow(
        add=add,
        fetch=posted(
            client, "/en/communities/lakeside/navigator/print/", {"answers": answers, "provider": "1"}
        ),
        shown=lambda html: len(re.findall(r'<th scope="row">Referral \d for ', html)),
    )


def test_questions_in_plain_words_with_crisis_contacts_at_once(client, demo):
    page = client.get(JOURNEY).content.decode()
    assert "In crisis right now?" in page and "24/7 Family Crisis Line" in page and 'href="tel:' in page
    assert "many big tantrums, hitting or biting" in page  # worries with everyday examples
    assert "Maple Bay" in page  # towns of the community
    french = client.get("/fr/communities/north-shore/navigator/").content.decode()
    assert "En crise en ce moment?" in french and "Qu&#x27;est-ce qui vous inquiète?" in french


def test_a_plan_says_what_to_do_now_and_next_with_reasons(client, demo):
    response = client.post(JOURNEY, ANSWERS)
    assert response.status_code == 200
    page = response.content.decode()
    titles = step_titles(response)
    assert titles[0].startswith("Well-child visits") and any(
        t.startswith("Intake and navigation") for t in titles
    )
    assert "What to do now" in page and "Why it fits" in page
    start = html.unescape(page.split('id="start-here-heading"')[1].split("</section>")[0])
    assert "Call Children's mental health intake" in start and 'href="tel:7055550130"' in start
    assert "If you need help right now" in page and 'href="tel:911"' in page and 'href="tel:211"' in page
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert not SavedPlan.objects.exists()  # nothing stored


def test_the_plan_in_french(client, demo):
    response = client.post("/fr/communities/north-shore/navigator/", {**ANSWERS, "language_1": "fr"})
    page = html.unescape(response.content.decode())
    assert "Que faire maintenant" in page and "Pourquoi il convient" in page and "Commencez ici" in page
    assert any(t.startswith("Accueil et orientation") for t in step_titles(response))


def test_crisis_answers_show_crisis_services_first(client, demo):
    response = client.post(JOURNEY, {**ANSWERS, "urgency": "crisis"})
    assert step_titles(response)[0] == "Crisis support"
    page = response.content.decode()
    # the safety net leads the page in a crisis, before the first actions
    assert page.index("Help right now") < page.index("Start here") and 'href="tel:911"' in page


def test_birth_date_or_age_is_needed_and_checked(client, demo):
    missing = client.post(JOURNEY, {**ANSWERS, "age_months": ""})
    assert missing.status_code == 400 and "date of birth or age in months" in html.unescape(
        missing.content.decode()
    )
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert (
        "in the future"
        in client.post(JOURNEY, {**ANSWERS, "age_months": "", "birth_date": future}).content.decode()
    )
    old = (timezone.localdate() - datetime.timedelta(days=8 * 365)).isoformat()
    assert (
        "up to 83 months"
        in client.post(JOURNEY, {**ANSWERS, "age_months": "", "birth_date": old}).content.decode()
    )
    born = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    assert (
        "Age: 13 months"
        in client.post(JOURNEY, {**ANSWERS, "age_months": "", "birth_date": born}).content.decode()
    )


def test_wrong_choices_are_named_not_crashed(client, demo):
    response = client.post(
        JOURNEY, {**ANSWERS, "concerns": ["naps"], "place": "atlantis", "language_1": "xx"}
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert page.count("Select a valid choice") == 6  # in the summary at the top and beside each field


def test_save_print_and_delete_a_plan(client, demo):
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    saved = client.post("/en/communities/north-shore/navigator/save/", {"answers": answers})
    link = saved["Location"]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) == 32  # 192 random bits
    stored = SavedPlan.objects.get()
    assert stored.key == token_hash(token) and token not in stored.key  # only a hash of the link is kept
    assert set(stored.answers) == {"community", "language", "child", "family", "situation"}
    assert stored.answers["family"]["location"] == {"lat": 46.31, "lon": -79.46}
    assert (stored.expires_at - timezone.now()).days in (89, 90)
    page = client.get(link)
    assert page.status_code == 200 and "Delete my saved plan now" in page.content.decode()
    assert step_titles(page) == step_titles(client.post(JOURNEY, ANSWERS))
    assert any(
        t.startswith("Accueil") for t in step_titles(client.get(link.replace("/en/", "/fr/")))
    )  # same plan, in French
    printed = client.get(link + "print/")
    assert printed.status_code == 200 and "Printed from Carepath" in printed.content.decode()
    assert client.post(link + "delete/").status_code == 302
    assert not SavedPlan.objects.exists()
    assert client.get(link).status_code == 404


def test_expired_and_made_up_links_are_gone(client, demo):
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    link = client.post("/en/communities/north-shore/navigator/save/", {"answers": answers})["Location"]
    SavedPlan.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    gone = client.get(link)
    assert gone.status_code == 404 and "expired or been deleted" in gone.content.decode()
    assert client.get("/en/plan/not-a-real-token/").status_code == 404
    assert client.post("/en/plan/not-a-real-token/delete/").status_code == 404


def test_tampered_answers_are_refused_and_nothing_is_saved(client, demo):
    for bad in ("{not json", json.dumps({"child": {"age_months": 500}}), json.dumps([1])):
        response = client.post("/en/communities/north-shore/navigator/save/", {"answers": bad})
        assert response.status_code == 302 and response["Location"] == JOURNEY
    assert not SavedPlan.objects.exists()
    assert client.get("/en/communities/north-shore/navigator/save/").status_code == 405


def test_print_view_of_an_unsaved_plan(client, demo):
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    printed = client.post("/en/communities/north-shore/navigator/print/", {"answers": answers})
    assert printed.status_code == 200 and "Printed from Carepath" in printed.content.decode()


def test_provider_view_shows_eligibility_referral_and_the_step(client, demo):
    response = client.post("/en/communities/north-shore/navigator/provider/", ANSWERS)
    page = html.unescape(response.content.decode())
    assert "Where to refer: the pathway for this child" in page
    assert "Service within 7 days" in page and "Ages" in page and "How to refer" in page
    # no codes and no scores for the doctor either
    assert "Match score" not in page and "Pathway step" not in page
    pathway_page = client.get("/en/communities/north-shore/pathway/").content.decode()
    assert "/en/communities/north-shore/navigator/provider/" in pathway_page
    directory_page = client.get("/en/communities/north-shore/").content.decode()
    assert "/en/communities/north-shore/navigator/provider/" in directory_page


def test_no_navigator_without_a_published_pathway(client, community):
    assert client.get("/en/communities/lakeside/navigator/").status_code == 404
    assert client.get("/en/communities/nowhere/navigator/").status_code == 404


def test_the_snapshot_follows_directory_changes(client, demo):
    first = snapshots.directory(demo)
    assert snapshots.directory(demo) is first  # same version: same snapshot
    crisis = Service.objects.get(name_en__startswith="24/7 Family Crisis Line")
    crisis.status = "inactive"
    crisis.save()
    second = snapshots.directory(demo)
    assert second is not first and str(crisis.pk) not in second.index
    token = versions.current_for(demo.pk)
    versions.bump()  # a write no community can be named for makes every copy stale
    assert versions.current_for(demo.pk) != token
    assert snapshots.directory(demo) is not second


def test_the_plan_has_its_own_address_so_reload_back_and_sharing_work_and_nothing_is_stored(client, demo):
    questions = client.get(JOURNEY).content.decode()
    assert 'method="get" action="/en/communities/north-shore/navigator/plan/"' in questions
    plan = client.get(f"{JOURNEY}plan/", ANSWERS)
    assert plan.status_code == 200 and "Start here" in plan.content.decode()
    again = client.get(f"{JOURNEY}plan/", ANSWERS)  # a reload: the same plan
    assert step_titles(again) == step_titles(plan) and step_titles(plan) == step_titles(
        client.post(JOURNEY, ANSWERS)
    )
    page = html.unescape(plan.content.decode())
    link = re.search(r'data-copy="([^"]+)"', page).group(1)
    assert (
        link.startswith("http://testserver/en/communities/north-shore/navigator/plan/?")
        and "age_months=18" in link
    )
    assert 'href="mailto:?subject=' in page and 'href="sms:?&body=' in page
    assert not SavedPlan.objects.exists()
    wrong = client.get(f"{JOURNEY}plan/", {**ANSWERS, "age_months": "200"})
    assert wrong.status_code == 400 and "less than or equal to 83" in wrong.content.decode()


def test_a_saved_plan_is_shared_by_its_private_link(client, demo):
    answers = posted_answers(client.post(JOURNEY, ANSWERS))
    link = client.post("/en/communities/north-shore/navigator/save/", {"answers": answers})["Location"]
    page = html.unescape(client.get(link).content.decode())
    assert re.search(r'data-copy="([^"]+)"', page).group(1) == f"http://testserver{link}"
    assert "until it expires" in page


def test_a_provider_prints_a_one_page_referral_summary(client, demo):
    answers = posted_answers(client.post("/en/communities/north-shore/navigator/provider/", ANSWERS))
    printed = client.post(
        "/en/communities/north-shore/navigator/print/", {"answers": answers, "provider": "1"}
    )
    page = html.unescape(printed.content.decode())
    assert printed.status_code == 200 and "Referral summary" in page and "Where to refer, in order" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)<br>", page, re.S)
    # the help for this child first (the intake an ASQ:SE-2 above the cut-off calls for), the check-up after
    assert rows[0].strip() == "Children's mental health intake: one door for families"
    assert "Well-baby and well-child visits (including the 18-month visit)" in [r.strip() for r in rows[1:]]
    assert "Children's mental health intake" in page and "Families can self-refer" in page
    assert "Match score" not in page and "intake-navigation" not in page
    assert "24/7 Family Crisis Line" in page  # the crisis lines at the foot


def test_every_help_text_is_the_one_its_field_points_to(client, demo):
    """Screen readers read a field's help through aria-describedby: every id it names is on the page."""
    page = client.get(JOURNEY).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert "id_age_months_helptext" in " ".join(described)
    for ids in described:
        for element_id in ids.split():
            assert f'id="{element_id}"' in page, element_id


@pytest.mark.parametrize("provider", [False, True])
def test_a_plan_page_reads_the_community_with_its_tokens_once(client, demo, provider):
    route = JOURNEY + ("provider/" if provider else "")
    assert client.post(route, ANSWERS).status_code == 200  # builds the copy, reads the published version
    with CaptureQueriesContext(connection) as done:
        page = client.post(route, ANSWERS)
    assert page.status_code == 200 and "Start here" in page.content.decode()
    versions_read = [q["sql"] for q in done.captured_queries if "carepath_dataversion" in q["sql"]]
    assert len(versions_read) == 1 and "communities_community" in versions_read[0]
