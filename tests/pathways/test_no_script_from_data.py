"""No script from data in pathways: step links in pathway JSON are http(s) only, refused by their JSON path
through every way in (the API, the command, the service, the plain-data reader), and a link stored before that
is anything else shows as text on every page."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from carepath.pathways import documents, graph, services
from carepath.pathways.models import PathwayVersion, Step
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SCRIPT = "javascript:alert(document.cookie)"
REFUSED = f"{SCRIPT!r} is not a web address: a link must start with http:// or https://"


def with_link(url: str, step: int = 3, position: int = 1) -> dict:
    document = documents.template()
    document["steps"][step]["links"][position]["url"] = url
    return document


@pytest.mark.parametrize(
    "url",
    [SCRIPT, " javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "https://exa mple.org/"],
)
def test_no_script_from_data_pathway_json_names_the_link(url):
    [problem] = documents.schema_errors(with_link(url))
    assert (
        problem
        == f"steps/3/links/1/url: {url[:80]!r} is not a web address: a link must start with http:// or https://"
    )
    with pytest.raises(graph.UnsafeLinkError) as raised:
        graph.Pathway.from_dict(with_link(url))
    assert raised.value.problems == [problem]


def test_no_script_from_data_pathway_json_keeps_web_links():
    assert documents.schema_errors(with_link("HTTPS://example.org/guide?a=b#c")) == []
    assert (
        graph.Pathway.from_dict(with_link("http://example.org/")).steps[3].links[1].url
        == "http://example.org/"
    )


def test_no_script_from_data_through_the_api(client, community, facilitator):
    client.login(username=facilitator.username, password=PASSWORD)
    response = client.post(
        "/api/v1/communities/lakeside/pathway/versions", with_link(SCRIPT), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"steps/3/links/1/url": [REFUSED]}}
    assert not PathwayVersion.objects.exists()


def test_no_script_from_data_through_the_command_and_the_service(tmp_path, community, capsys):
    path = tmp_path / "pathway.json"
    path.write_text(json.dumps(with_link(SCRIPT, step=0, position=0)))
    with pytest.raises(CommandError):
        call_command("import-pathway", str(path), community="lakeside")
    assert f"error: steps/0/links/0/url: {REFUSED}" in capsys.readouterr().err
    with pytest.raises(ValidationError) as raised:
        services.import_document(community=community, document=with_link(SCRIPT))
    assert raised.value.messages == [f"steps/3/links/1/url: {REFUSED}"]
    assert not PathwayVersion.objects.exists()


def test_no_script_from_data_stored_step_links_show_as_text(client, community, member):
    published = services.publish_template(community=community)
    step = Step.objects.get(version=published, key="developmental-screening")
    step.links = [{**link, "url": SCRIPT} for link in step.links]
    step.save(update_fields=["links"])
    titles = [link["title"]["en"] for link in step.links]
    client.login(username=member.username, password=PASSWORD)
    for path in ("/en/communities/lakeside/pathway/", "/en/communities/lakeside/pathway/print/"):
        page = client.get(path).content.decode()
        assert all(title in page for title in titles)
        assert 'href="javascript:' not in page.lower() and "alert(" not in page
