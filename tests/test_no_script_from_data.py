"""No script from data in the service inventory: the service form takes only http(s) web addresses, naming
the field, and a website stored before that is anything else shows as text on the service page."""

from __future__ import annotations

import pytest

from carepath.directory.models import Service
from carepath.validators import message
from tests.communities.test_views import inventory, login, service_form  # noqa: F401 (inventory: a fixture)
from tests.factories import uid

pytestmark = pytest.mark.django_db
SCRIPT = "javascript:alert(document.cookie)"
EDIT = f"/en/communities/lakeside/services/{uid('service:speech')}/edit/"


@pytest.mark.parametrize(
    "url",
    [
        SCRIPT,
        "JavaScript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "ftp://example.org/",
        "example.org",
    ],
)
def test_no_script_from_data_service_form_refuses_the_web_address(client, inventory, facilitator, url):  # noqa: F811
    login(client, facilitator)
    for path in (EDIT, "/en/communities/lakeside/services/add/"):
        response = client.post(path, service_form(**{"service-url": url, "service-name_en": "Changed"}))
        assert response.context["form"].errors == {"url": [str(message())]}  # the form again, the field named
    assert not Service.objects.filter(name_en="Changed").exists()


def test_no_script_from_data_service_form_keeps_a_web_address(client, inventory, facilitator):  # noqa: F811
    login(client, facilitator)
    assert client.post(EDIT, service_form(**{"service-url": "https://example.org/speech"})).status_code == 302
    assert Service.objects.get(pk=uid("service:speech")).url == "https://example.org/speech"


def test_no_script_from_data_stored_website_shows_as_text(client, inventory):  # noqa: F811
    Service.objects.filter(pk=uid("service:speech")).update(url=SCRIPT)
    page = client.get(f"/en/communities/lakeside/services/{uid('service:speech')}/").content.decode()
    assert "Website" in page and SCRIPT in page and 'href="javascript:' not in page.lower()
    Service.objects.filter(pk=uid("service:speech")).update(url="https://example.org/speech")
    page = client.get(f"/en/communities/lakeside/services/{uid('service:speech')}/").content.decode()
    assert '<a href="https://example.org/speech" rel="noopener">https://example.org/speech</a>' in page
