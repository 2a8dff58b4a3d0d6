"""No script from data (issue 10, item 2): every response carries the Content-Security-Policy, and no template
or generated drawing carries inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carepath.practices import radar

ROOT = Path(__file__).resolve().parent.parent
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in parts}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/en/", 200),
        ("/fr/communities/", 200),
        ("/en/accounts/login/", 200),
        ("/en/admin/login/", 200),
        ("/api/docs/", 200),
        ("/api/docs/?script=", 200),
        ("/api/schema/", 200),
        ("/api/hsds/services", 200),
        ("/healthz", 200),
        ("/en/no-such-page/", 404),
        ("/static/carepath/site.css", 200),
    ],
)
def test_no_script_from_data_every_response_carries_the_policy(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_no_script_from_data_a_post_and_an_error_carry_it_too(client, db):
    response = client.post("/api/v1/navigator/match", "{", content_type="application/json")
    assert response.status_code == 400
    assert directives(response["Content-Security-Policy"]) == POLICY


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|hx-on", re.IGNORECASE)


def test_no_script_from_data_templates_hold_no_inline_script_style_or_handler():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "carepath").rglob("*.html"))
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_script_from_data_the_swagger_page_loads_its_script_from_a_url(client, db):
    page = client.get("/api/docs/").content.decode()
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">',
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js">',
        '<script src="/api/docs/?script=">',
    ]
    assert "<style" not in page
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle" in script.content.decode()


def test_no_script_from_data_the_drawings_hold_no_inline_style():
    picture = radar.svg(
        axes=["a", "b", "c"],
        series=[radar.Series("x", [1.0, 2.0, None], "primary")],
        maximum=5,
        title="t",
        description="d",
    )
    assert INLINE.search(picture) is None


@pytest.mark.django_db
def test_no_script_from_data_the_pathway_diagram_holds_no_inline_style(client, demo):
    page = client.get("/en/communities/north-shore/pathway/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'class="pathway-diagram"' in svg
    assert INLINE.search(svg) is None
