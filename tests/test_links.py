"""Links from data: only http(s), and mailto:/tel: where asked for, ever become links."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from carepath import links, validators


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org",
        "http://example.org/a?b=c#d",
        "HTTPS://EXAMPLE.ORG/path",
        "https://[::1]:8000/",
    ],
)
def test_web_addresses_are_safe(value):
    assert links.is_safe(value)


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "javascript\n:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/relative/path",
        "https://",
        "http:///nohost",
        "https://exa mple.org",
        "https://[::1",
        "ftp://example.org/file",
        "mailto:someone@example.org",
        "",
        None,
        42,
        "https://example.org/" + "a" * 3000,
    ],
)
def test_anything_else_is_not(value):
    assert not links.is_safe(value)


def test_mailto_and_tel_only_where_asked_for():
    assert links.is_safe("mailto:help@example.org", links.WEB | links.MAIL)
    assert links.is_safe("tel:+17055550123", links.WEB | links.PHONE)
    assert not links.is_safe("tel:+17055550123", links.WEB | links.MAIL)
    assert not links.is_safe("mailto:", links.MAIL)


@given(st.text())
def test_a_safe_value_always_starts_with_an_allowed_scheme(value):
    if links.is_safe(value):
        assert value.lower().startswith(("http://", "https://"))


def test_validator_names_what_to_give():
    with pytest.raises(ValidationError) as raised:
        validators.SafeURLValidator()("javascript:alert(1)")
    assert raised.value.code == "unsafe_url"
    assert "http://" in str(raised.value.messages[0])
    validators.SafeURLValidator()("")  # empty is for the field's own "required" to judge


def test_template_filter_gives_text_for_unsafe_values():
    template = Template(
        "{% load carepath %}{% with href=url|safe_href %}"
        '{% if href %}<a href="{{ href }}">{{ url }}</a>{% else %}{{ url }}{% endif %}{% endwith %}'
    )
    assert template.render(Context({"url": "https://example.org"})) == (
        '<a href="https://example.org">https://example.org</a>'
    )
    assert template.render(Context({"url": "javascript:alert(1)"})) == "javascript:alert(1)"
