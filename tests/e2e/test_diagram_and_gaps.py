"""The pathway diagram and the gap report in a browser (issue 14, items 9 and 10): the diagram's boxes are links a
keyboard reaches, in English and in French, at desktop and phone width; the gap report's flags are in view on a
1280 px screen and its table scrolls in a region the keyboard reaches. Axe on every page; screenshots kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from carepath.accounts.services import ensure_demo_user
from carepath.communities.services import get_or_create_community
from carepath.pathways.services import publish_template
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, check_accessibility, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def lakeside():
    community = get_or_create_community(slug="lakeside", name="Lakeside Early Years Table")
    publish_template(community=community)
    return ensure_demo_user(
        username="fay",
        email="fay@example.org",
        password=PASSWORD,
        community=community,
        role="facilitator",
        site_admin=False,
    )


def keep(locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_the_diagrams_boxes_are_links_to_their_steps_in_english(desktop):
    lakeside()
    page = desktop
    page.goto("/en/communities/lakeside/pathway/")
    region = page.get_by_role("region", name="Diagram of the pathway")
    expect(region).to_be_visible()
    screening = region.get_by_role("link", name="Developmental and social-emotional screening")
    expect(screening).to_have_count(1)
    assert region.get_by_role("link").count() == 22
    region.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.startswith("#step-")
    keep(page.locator(".diagram"), "diagram-en-focus")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/pathway/{focused}")
    expect(page.locator(focused)).to_be_in_viewport()
    check_accessibility(page, "diagram-en")


def test_the_diagram_scrolls_in_its_own_region_at_phone_width_in_french(page):
    lakeside()
    page.goto("/fr/communities/lakeside/pathway/")
    region = page.get_by_role("region", name="Schéma du parcours de soins")
    expect(region).to_be_visible()
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # the drawing keeps its size
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll
    expect(
        region.get_by_role("link", name="Dépistage du développement et du développement socioaffectif")
    ).to_have_count(1)
    keep(region, "diagram-fr-phone")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The keyboard scrolls it (smoothly, on a busy machine after a while: wait for it rather than read at once).
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
    check_accessibility(page, "diagram-fr-phone-page")


def test_the_gap_reports_flags_are_in_view_on_a_1280_px_screen(browser, live_server):
    fay = lakeside()
    context, page = signed_in(browser, live_server, fay, width=1280, height=900)
    page.goto("/en/communities/lakeside/pathway/gaps/")
    flags = page.get_by_role("columnheader", name="Flags")
    expect(flags).to_be_in_viewport()
    box = flags.bounding_box()
    assert box["x"] + box["width"] <= 1280
    first = page.locator("td.flags a.badge").first
    expect(first).to_be_in_viewport()
    assert first.get_attribute("href").startswith("/en/communities/lakeside/")
    expect(page.get_by_role("link", name="Add a service").first).to_be_in_viewport()
    region = page.get_by_role("region", name="Services per step")
    region.focus()
    expect(region).to_be_focused()
    check_accessibility(page, "gaps-en-1280")
    region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
    step = page.get_by_role("rowheader").first  # the step's name stays in view while the figures scroll
    assert step.bounding_box()["x"] >= region.bounding_box()["x"] - 1
    keep(page.locator(".table-scroll"), "gaps-en-1280-scrolled")
    page.goto("/fr/communities/lakeside/pathway/gaps/")
    expect(page.get_by_role("columnheader", name="Signalements")).to_be_in_viewport()
    check_accessibility(page, "gaps-fr-1280")
    context.close()
