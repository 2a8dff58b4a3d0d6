"""Pages show labels, never codes: every pathway page (and the navigator's plan pages) crawled in English and
French, with the words a person reads searched for the codes of the carepath vocabulary, the pathway's step
kinds, stages, urgencies and screening results, and language codes.

A French page shows no English code at all; an English page no jargon code (``touchpoint``, ``above-cutoff``)
and no language code (``AR``). What a person does not read is left out: addresses, class names, scripts, and
the step keys a facilitator typed, which pages show as identifiers in ``<code>``."""

from __future__ import annotations

import datetime
import html
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from carepath import languages
from carepath.accounts.models import User
from carepath.accounts.services import set_membership
from carepath.communities.models import Community
from carepath.directory import vocabulary
from carepath.navigator import services as navigator_services
from carepath.pathways import graph, services
from carepath.pathways.models import PathwayVersion, Transition
from carepath.pathways.services import drafts

pytestmark = pytest.mark.django_db

READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")  # attributes a screen reader reads
SKIPPED = {"script", "style", "code", "template", "textarea"}  # textarea: the data being edited
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    """The text a person reads (or hears) on a page: the text of elements, and the attributes read aloud."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Text in another language than the page's is content marked as such (an English field's value on a
        # French page), not the page speaking.
        other = any(name == "lang" and value and value[:2] != self.language for name, value in attrs)
        if self.skipping or tag in SKIPPED or (other and tag != "html"):
            if tag not in VOID:
                self.skipping.append(tag)  # everything inside, nested tags counted
        else:
            self.parts.extend(f" {value} " for name, value in attrs if name in READ_ATTRIBUTES and value)
        if tag in VOID:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skipping:
            self.parts.extend(f" {value} " for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag not in VOID:
            self.skipping.pop()
        self.parts.append(" ")  # an element's end separates words: <td>a</td><td>b</td>

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(page: str, language: str = "en") -> str:
    reader = _Reader(language)
    reader.feed(page)
    reader.close()
    return " ".join("".join(reader.parts).split())


# Language codes that are also ordinary words (in English or French), or abbreviations a page may use.
LANGUAGE_WORDS = {
    "en", "es", "ta", "ne", "de", "am", "he", "it", "so", "hi", "pa", "el", "fa", "ja", "ps", "hr", "pt",
    "per", "pan", "ben", "vie", "fil", "hat", "rum", "tir", "spa", "pus", "mic", "moe", "ike", "chi", "fra",
    "gre",
}  # fmt: skip
# English code words that are French words too.
FRENCH_WORDS = {"transition", "navigation", "promotion", "routine", "francophone", "inuit"}
# English code words that are not ordinary English: jargon, or a name without its accent.
ENGLISH_JARGON = {"touchpoint", "metis", "inuit", "looksee", "childrens"}
# Hyphenated codes that are ordinary English too ("Developmental and social-emotional screening").
ENGLISH_COMPOUNDS = {"social-emotional"}


def _english_codes() -> set[str]:
    """Every code a page could leak: step kinds and stages, urgencies, screening tools and results, and the
    codes of every branch of the carepath vocabulary."""
    words = {*graph.KINDS, *graph.STAGES, *graph.URGENCIES}
    for tool, (results, _ages) in graph.SCREENING_TOOLS.items():
        words |= {tool, *results}
    words |= {term.key for term in vocabulary.load().terms.values() if term.parent_code is not None}
    words |= set(vocabulary.BRANCH_LABELS) | {vocabulary.WAIT_DAYS}
    return words


def _language_codes() -> set[str]:
    codes = set(languages.NAMES) | {alias for aliases in languages.ALIASES.values() for alias in aliases}
    return {code for code in codes if code not in LANGUAGE_WORDS}


def codes_for(language: str) -> set[str]:
    """The codes that must not show on a page in ``language``."""
    english = _english_codes()
    if language == "fr":
        words = english - FRENCH_WORDS
    else:
        words = {w for w in english if "-" in w or any(ch.isdigit() for ch in w) or w in ENGLISH_JARGON}
        words -= ENGLISH_COMPOUNDS
    upper = {code.upper() for code in set(languages.NAMES) | set(languages.ALIASES)}
    return words | _language_codes() | (upper - {"AM", "IT", "HR", "UK", "PS", "OK"})


def found_in(page: str, language: str) -> dict[str, str]:
    """The codes found as whole words in what a person reads on the page (case matters: "Inuit" is a label,
    "AR" a code), each with the words around its first place."""
    text = re.sub(
        r"https?://\S+", " ", visible_text(page, language)
    )  # an address shown as text (a private link)
    words = set(re.findall(r"[\w-]+", text))
    out = {}
    for code in codes_for(language) & words:
        at = re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)
        if at is not None:
            out[code] = text[max(0, at.start() - 40) : at.end() + 40]
    return out


def codes_in(page: str, language: str) -> set[str]:
    return set(found_in(page, language))


def test_the_reader_finds_codes_in_text_and_not_in_addresses_or_step_keys():
    page = (
        '<p class="touchpoint"><a href="/fr/x/above-cutoff/">Dépistage</a> : above-cutoff, AR</p>'
        '<p><code>wait-support</code> <span aria-label="screen">x</span></p><script>var k = "crisis";</script>'
    )
    assert codes_in(page, "fr") == {"above-cutoff", "AR", "screen"}
    assert codes_in(page, "en") == {"above-cutoff", "AR"}  # "screen" is an English word
    assert codes_in("<p>Screened with ASQ:SE-2: above the cutoff. Arabic, arabe</p>", "en") == set()
    assert codes_in("<p>Transition vers l’école, routine</p>", "fr") == set()


@pytest.fixture
def pages(demo, client):
    """The demo pathway with every kind of version and a review: v1 published, v2 in review with a comment,
    v3 a draft; the client signed in as a facilitator of the community. Gives the community's slug, the
    public review link's token and the draft."""
    published = PathwayVersion.objects.get(pathway__community=demo, status="published")
    in_review = services.start_draft(community=demo, actor=None, from_version=published)
    review = services.open_review(
        version=in_review,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        message="",
        invitees=[{"name": "Ada", "email": "", "role": "approver"}],
        actor=None,
    )
    invitation = review.invitations.get()
    services.comment(
        review=review, invitation=invitation, author="Ada", step_key="wait-support", text="Who calls?"
    )
    draft = services.start_draft(community=demo, actor=None, from_version=published)
    gone = draft.steps.get(key="wait-support")  # so what changed lists a step, by its title and key
    drafts.remove_step(version_id=draft.pk, step_id=gone.pk, revision=gone.revision, actor=None)
    user = User.objects.create_user(username="fay", email="fay@example.org", password="x-long-pass-42")
    set_membership(user=user, community=demo, role="facilitator")
    client.force_login(user)
    return demo.slug, review.tokens[invitation.pk], draft, published, in_review


def _pathway_pages(slug: str, token: str, draft, published, in_review) -> list[str]:
    base = f"/communities/{slug}/pathway"
    urls = [
        f"{base}/",
        f"{base}/print/",
        f"{base}/gaps/",
        f"{base}/compare/?from={published.number}&to={in_review.number}",
        f"{base}/compare/?from={published.number}&to={draft.number}",
        f"{base}/versions/{in_review.number}/review/",
        f"/review/{token}/",
        f"{base}/versions/{draft.number}/edit/",
        f"{base}/versions/{draft.number}/edit/problems/",
        f"{base}/versions/{draft.number}/edit/steps/add/",
        f"{base}/versions/{draft.number}/review/open/",
    ]
    for version in (published, in_review, draft):
        urls += [f"{base}/versions/{version.number}/{page}" for page in ("", "print/", "gaps/")]
    edit = f"{base}/versions/{draft.number}/edit/steps"
    steps = list(draft.steps.all())
    urls += [f"{edit}/{step.key}/" for step in steps] + [f"{edit}/{steps[0].key}/transitions/add/"]
    # a transition of each step, and each transition that reads a screening result
    shown: set[str] = set()
    for transition in Transition.objects.filter(step__version=draft).select_related("step"):
        if transition.step.key not in shown or "screening" in transition.criteria:
            shown.add(transition.step.key)
            urls.append(f"{edit}/{transition.step.key}/transitions/{transition.pk}/")
    return urls


ANSWERS = (
    "age_months=18&concerns=social-emotional&concerns=sleep&screen_asq-se-2=above-cutoff&urgency=soon"
    "&language_1={language}&language_2=ar&delivery=virtual&delivery=home-visit&cost=free&max_travel_km=60"
    "&place=maple-bay&populations=francophone"
)


def _navigator_pages(client, slug: str, language: str) -> dict[str, str]:
    """The navigator's pages that show a plan: the questions, the plan (family, provider), its print-outs
    and a saved plan."""
    query = ANSWERS.format(language=language)
    out = {}
    for path in ("navigator/", f"navigator/plan/?{query}", f"navigator/provider/plan/?{query}"):
        url = f"/{language}/communities/{slug}/{path}"
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        out[url] = response.content.decode()
    plan = out[f"/{language}/communities/{slug}/navigator/plan/?{query}"]
    answers = html.unescape(re.search(r'name="answers" value="([^"]*)"', plan).group(1))
    for provider in ("", "1"):
        url = f"/{language}/communities/{slug}/navigator/print/"
        response = client.post(url, {"answers": answers, "provider": provider})
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        out[f"{url} (provider={provider or 0})"] = response.content.decode()
    token, _saved = navigator_services.save_plan(
        community=Community.objects.get(slug=slug), answers=json.loads(answers)
    )
    for path in ("", "print/"):
        url = f"/{language}/plan/{token}/{path}"
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        out[url] = response.content.decode()
    return out


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_shows_a_code(client, pages, language):
    slug, token, draft, published, in_review = pages
    shown = {}
    for url in _pathway_pages(slug, token, draft, published, in_review):
        response = client.get(f"/{language}{url}")
        assert response.status_code == 200, f"/{language}{url} answered {response.status_code}"
        shown[f"/{language}{url}"] = response.content.decode()
    shown |= _navigator_pages(client, slug, language)
    found = {url: found_in(page, language) for url, page in shown.items()}
    report = [
        f"{url}: {code!r} in “…{words}…”"
        for url, codes in found.items()
        for code, words in sorted(codes.items())
    ]
    assert not report, f"{len(report)} codes shown to readers:\n" + "\n".join(report)
