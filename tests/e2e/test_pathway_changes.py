"""The table reads what changed between two versions, in English on a desktop and in French on a phone, and
downloads the draft as files (on a desktop: on a phone the version page's diagram scrolls without taking the
keyboard focus, which axe counts as serious; the diagram is another piece of work)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from carepath.pathways.models import Step
from tests.e2e.conftest import check_accessibility, signed_in
from tests.e2e.test_pathways import fixed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_table_reads_what_changed_in_both_languages_and_downloads_the_draft(browser, live_server):
    draft, fay = fixed()  # the peer-support step added, with a transition to it from intake
    wait = Step.objects.get(version=draft, key="wait-support")
    wait.service_types = ["caregiver-capacity", "navigation"]
    wait.save()
    compare = f"/communities/lakeside/pathway/compare/?from=1&to={draft.number}"

    context, page = signed_in(browser, live_server, fay)
    page.goto(f"/en{compare}")
    expect(page.get_by_role("heading", name="Peer support for parents (peer-support) Added")).to_be_visible()
    service_types = page.get_by_role("row", name="Service types")
    expect(service_types).to_contain_text("Removed: Support while waiting for service")
    expect(service_types).to_contain_text("Added: Intake, navigation and care coordination")
    expect(page.get_by_role("rowheader", name="Tiers of care")).to_have_count(0)
    check_accessibility(page, "pathway-changes-en")
    context.close()

    context, page = signed_in(browser, live_server, fay, width=390, height=844)
    page.goto(f"/fr{compare}")
    expect(
        page.get_by_role("heading", name="Soutien par les pairs pour les parents (peer-support) Ajoutée")
    ).to_be_visible()
    expect(page.get_by_role("row", name="Types de services")).to_contain_text(
        "Ajout\u00a0: Accueil, orientation et coordination des soins"
    )
    check_accessibility(page, "pathway-changes-fr-phone")
    context.close()

    context, page = signed_in(browser, live_server, fay)
    page.goto(f"/fr/communities/lakeside/pathway/versions/{draft.number}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en FHIR").click()
    assert download.value.suggested_filename == f"lakeside-pathway-v{draft.number}.fhir.json"
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en JSON").click()
    assert download.value.suggested_filename == f"lakeside-pathway-v{draft.number}.json"
    document = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert "peer-support" in [step["key"] for step in document["steps"]]
    check_accessibility(page, "pathway-version-downloads-fr")
    context.close()
