"""No script from data (issue 10, item 2): the main pages, htmx, the admin and the API docs work under the
Content-Security-Policy, with no violation reported by Chromium."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from carepath.practices.models import Practice, Survey
from tests.e2e.conftest import check_accessibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DEMO_PASSWORD = "carepath-demo"

WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation([event.violatedDirective, event.blockedURI, event.sourceFile, event.lineNumber].join(" "));
});
"""


def watched(browser, live_server, violations: list[str]):
    """A desktop page that reports every CSP violation: the DOM event and Chromium's console message."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.expose_binding(
        "reportViolation", lambda source, text: violations.append(f"{source['frame'].url}: {text}")
    )
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: console: {message.text}")

    page.on("console", on_console)
    return context, page


def sign_in(page, username: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("User name or email").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/")


def test_no_script_from_data_every_main_page_runs_under_the_csp_without_a_violation(browser, live_server):  # noqa: PLR0915 - one walk through every kind of page
    call_command("load-demo", "north-shore", "--with-users", verbosity=0)
    call_command("load-registry", "--demo", "--with-users", verbosity=0)
    violations: list[str] = []
    context, page = watched(browser, live_server, violations)
    first = page.goto("/en/")
    assert "script-src 'self'" in first.headers["content-security-policy"]
    check_accessibility(page, "csp-home")
    # The watch hears a violation: an inline style attribute, which the policy refuses.
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')""")
    for _ in range(50):
        if len(violations) >= 2:
            break
        page.wait_for_timeout(100)
    heard = sorted(v.split(": ", 1)[1].split(" ")[0] for v in violations)
    assert heard == ["console:", "style-src-attr"], violations  # Chromium's message and the DOM event
    violations.clear()

    # The community page, its htmx search (a swap), a service and its print button (no inline onclick).
    page.goto("/en/communities/north-shore/")
    page.locator("#id_q").press_sequentially("speech")
    page.wait_for_url("**q=speech**")
    assert page.locator("#results .result").count() == 5
    check_accessibility(page, "csp-community")
    page.locator("#results .result h3 a").first.click()
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") is True
    check_accessibility(page, "csp-service")

    # The family journey, the plan and its print view.
    page.goto("/en/communities/north-shore/navigator/")
    page.get_by_label("Or your child's age in months").fill("20")
    page.get_by_role("checkbox", name="Talking and understanding").check()
    page.get_by_label("Where you live").select_option(label="Maple Bay")
    page.get_by_role("button", name="Show my plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    check_accessibility(page, "csp-plan")
    page.get_by_role("button", name="Print view").click()
    assert page.get_by_text("Printed from Carepath").is_visible()

    # The pathway with its diagram (inline SVG), and a practice page.
    page.goto("/en/communities/north-shore/pathway/")
    assert page.locator("svg.pathway-diagram").count() == 1
    check_accessibility(page, "csp-pathway")
    practice = Practice.objects.filter(status="published").first()
    page.goto(f"/en/practices/{practice.slug}/")
    check_accessibility(page, "csp-practice")

    # A survey's scores with the radar chart, signed in as the organization's lead.
    sign_in(page, "lead")
    survey = Survey.objects.filter(status=Survey.Status.COMPLETE, organization__slug="lakeview-chc").first()
    page.goto(f"/en/practices/surveys/{survey.pk}/results/")
    assert page.locator("svg.radar").count() == 1
    check_accessibility(page, "csp-radar")
    page.get_by_role("button", name="Sign out").click()

    # The pathway editor's htmx POST (the CSRF header comes from hx-headers, not from a script).
    sign_in(page, "facilitator")
    page.goto("/en/communities/north-shore/pathway/")
    page.get_by_role("button", name="Start a new draft from this version").click()
    page.get_by_role("link", name="Edit this draft").click()
    first_title = page.locator("#steps .step-card h3 a").nth(0).inner_text()
    page.locator("#steps .step-card").nth(1).get_by_role("button", name="Move up").click()
    page.wait_for_function(
        "title => document.querySelectorAll('#steps .step-card h3 a')[1].innerText === title", arg=first_title
    )
    page.get_by_role("button", name="Sign out").click()

    # Third-party pages (no axe: not ours to fix): the Django admin and the API docs.
    page.goto("/en/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/en/admin/")
    page.goto("/en/admin/accounts/user/")
    page.get_by_role("link", name="facilitator", exact=True).click()
    page.wait_for_selector("#user_form")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")  # the UI read the schema and drew the operations

    context.close()
    assert violations == []
