"""Pathway pages: the published pathway for everyone, versions and the gap report for the table."""

from __future__ import annotations

import csv
import io
import re

import pytest

from carepath.pathways import documents, services
from carepath.pathways.models import PathwayVersion, Transition
from carepath.pathways.services import drafts
from tests.conftest import PASSWORD
from tests.factories import service
from tests.query_counts import assert_queries_do_not_grow, page

from .conftest import add_screening_clinic, add_version, publish_reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(community):
    return services.publish_template(community=community)


def test_visitors_read_the_published_pathway_in_french(client, published):
    response = client.get("/fr/communities/lakeside/pathway/")
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in content and '<title id="pathway-svg-title">' in content
    )
    assert published.title_fr in content
    assert "Vers les soins" in content and "Sortie des soins" in content
    assert "findings" not in response.context


def test_the_print_view_lists_services_per_step(client, published, import_file):
    import_file(
        service(
            "clinic",
            name="Developmental screening clinic",
            terms=[("service-type/developmental-screening", None)],
        )
    )
    response = client.get("/en/communities/lakeside/pathway/print/")
    screening = next(
        item
        for stage in response.context["stages"]
        for item in stage[2]
        if item["step"].key == "developmental-screening"
    )
    assert [name for name, _, _ in screening["services"]] == ["Developmental screening clinic"]


def test_no_pathway_is_a_404(client, community):
    assert client.get("/en/communities/lakeside/pathway/").status_code == 404


def test_drafts_and_gap_report_are_for_the_table(client, published, member, outsider):
    draft = services.start_draft(community=published.pathway.community, actor=None, from_version=published)
    draft_url = f"/en/communities/lakeside/pathway/versions/{draft.number}/"
    assert client.get(draft_url).status_code == 404
    assert client.get("/en/communities/lakeside/pathway/gaps/").status_code == 302
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(draft_url).status_code == 404
    assert client.get("/en/communities/lakeside/pathway/gaps/").status_code == 403
    client.login(username=member.username, password=PASSWORD)
    page = client.get(draft_url)
    assert page.status_code == 200 and page.context["findings"] == []
    gaps = client.get("/en/communities/lakeside/pathway/gaps/?format=csv")
    rows = list(csv.reader(io.StringIO(gaps.content.decode())))
    assert rows[0][:3] == ["step", "title", "services"]
    assert len(rows) == 1 + published.steps.count()


def test_facilitator_starts_a_draft_and_publishes_it(client, published, facilitator, member):
    client.login(username=member.username, password=PASSWORD)
    assert client.post("/en/communities/lakeside/pathway/drafts/", {"from": "template"}).status_code == 403
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post("/en/communities/lakeside/pathway/drafts/", {"from": str(published.number)})
    assert response.status_code == 302
    draft = PathwayVersion.objects.get(number=2)
    assert draft.based_on == published
    publish = f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/"
    assert client.post(publish).status_code == 409  # not reviewed
    response = client.post(publish, {"without_review": "1", "reason": "The template's update, as it is."})
    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == ("published", "retired")


def test_a_draft_with_errors_is_not_published(client, published, facilitator):
    draft = services.start_draft(community=published.pathway.community, actor=None, from_version=published)
    Transition.objects.filter(step__version=draft, step__key="well-child-visit").delete()
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(
        f"/en/communities/lakeside/pathway/versions/{draft.number}/publish/",
        {"without_review": "1", "reason": "Urgent."},
    )
    assert response.status_code == 409 and "was not published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    # well-child-visit leads nowhere now, and the steps only it led to are cut off
    cut_off = "Step {} cannot be reached from a way in. Add a transition to it, or mark it as an entry step."
    assert [f["text"] for f in response.context["findings"] if f["severity"] == "error"] == [
        *(
            cut_off.format(name)
            for name in (
                "“Healthy Babies Healthy Children (public health)” (healthy-babies-home-visiting)",
                "“Support at child care” (child-care-inclusion)",
                "“Support with stress at home” (family-support)",
            )
        ),
        "Step “Well-child visits and the enhanced 18-month visit” (well-child-visit) is a dead end: it has no "
        "transition and is not out of care. Add a transition, or move it to the out-of-care stage if families "
        "finish here.",
    ]


CHAIN = ("earlyon-drop-in", "family-support", "step-down-universal")


def a_chain_of(n: int) -> dict:
    """The template's pathway cut to its last ``n`` steps of ``CHAIN``, each leading to the next: a way in, then
    out of care; a pathway that publishes."""
    document = documents.template()
    by_key = {step["key"]: step for step in document["steps"]}
    keys = CHAIN[len(CHAIN) - n :]
    document["steps"] = [
        {
            **by_key[key],
            "entry": position == 0,
            "transitions": [{"to": keys[position + 1], "otherwise": True}] if position + 1 < n else [],
        }
        for position, key in enumerate(keys)
    ]
    return document


def test_the_pathway_page_takes_the_same_queries_for_one_step_or_three(client, community):
    def add(n: int) -> None:  # each time a new version is published, with one step more
        publish_reviewed(services.import_document(community=community, document=a_chain_of(n)))

    assert_queries_do_not_grow(
        add=add,
        fetch=page(client, "/en/communities/lakeside/pathway/"),
        shown=lambda html: html.count('<li class="step-card"'),
    )


def test_the_versions_on_the_pathway_page_take_the_same_queries_for_one_or_three(client, community, member):
    client.login(username=member.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=lambda n: add_version(community, n),
        fetch=page(client, "/en/communities/lakeside/pathway/"),
        shown=lambda html: len(re.findall(r">Version \d \((?:Published|Draft)\)</a>", html)),
    )


def test_what_changed_takes_the_same_queries_for_one_changed_step_or_three(client, published, member):
    draft = services.start_draft(community=published.pathway.community, actor=None, from_version=published)
    steps = list(draft.steps.order_by("position"))

    def add(n: int) -> None:
        drafts.save_step(
            version_id=draft.pk,
            step_id=steps[n].pk,
            data={"title_en": f"Changed {n}"},
            revision=None,
            actor=None,
        )

    client.login(username=member.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=add,
        fetch=page(
            client, f"/en/communities/lakeside/pathway/compare/?from={published.number}&to={draft.number}"
        ),
        shown=lambda html: len(re.findall(r'<h3 id="change-[^"]+">Changed \d <span', html)),
    )


def test_the_print_view_takes_the_same_queries_for_one_service_or_three(client, published, import_file):
    assert_queries_do_not_grow(
        add=lambda n: add_screening_clinic(import_file, n),
        fetch=page(client, "/en/communities/lakeside/pathway/print/"),
        shown=lambda html: len(set(re.findall(r"<li>(Screening clinic \d)", html))),
    )


def test_the_gap_report_takes_the_same_queries_for_one_service_or_three(
    client, published, import_file, member
):
    screening = published.steps.get(key="developmental-screening").title_en
    client.login(username=member.username, password=PASSWORD)
    assert_queries_do_not_grow(
        add=lambda n: add_screening_clinic(import_file, n),
        fetch=page(client, "/en/communities/lakeside/pathway/gaps/"),
        shown=lambda html: int(
            re.search(
                rf'<th scope="row">{screening}</th>\s*<td class="flags">.*?</td>\s*<td>(\d+)</td>', html, re.S
            )[1]
        ),
    )
