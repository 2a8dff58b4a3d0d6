"""How to reach a service (``carepath/directory/reach.py``, no database): links a phone can act on, with digits
and + only; text lines and faxes told apart; addresses in each language; directions on OpenStreetMap."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepath import links
from carepath.directory.reach import Address, dialable, directions, directions_url, phone_line, search_url


@pytest.mark.parametrize(
    ("number", "tel"),
    [
        ("705-555-0120", "tel:7055550120"),
        ("(705) 555-0120", "tel:7055550120"),
        ("+1 705 555 0120", "tel:+17055550120"),
        ("1-800-FLOWERS", "tel:18003569377"),
        ("TTY 705 555 0199", "tel:7055550199"),
        ("705.555.0120 (main)", "tel:7055550120"),
        ("911", "tel:911"),
    ],
)
def test_call_links_hold_digits_and_plus_only(number, tel):
    assert phone_line(number).tel == tel


@given(st.text(max_size=40))
def test_no_stored_number_makes_anything_but_digits_in_a_link(number):
    line = phone_line(number, description="call or text")
    for href in (line.tel, line.sms):
        assert href == "" or re.fullmatch(r"(tel|sms):\+?\d{3,}", href)


def test_an_extension_is_shown_apart_never_dialled():
    assert (
        phone_line("705-555-0120", extension=23.0).extension,
        phone_line("705-555-0120", extension=23.0).tel,
    ) == (
        "23",
        "tel:7055550120",
    )
    written = phone_line("705-555-0120 ext. 4")
    assert (written.number, written.extension, written.tel) == ("705-555-0120", "4", "tel:7055550120")
    assert phone_line("705-555-0120 x12").extension == "12"
    assert phone_line("705-555-0120, poste 7").extension == "7"


def test_text_lines_get_sms_links_and_faxes_get_no_link():
    text = phone_line("686868", phone_type="text", description="Crisis text line, 24/7")
    assert (text.kind, text.tel, text.sms) == ("text", "", "sms:686868")
    both = phone_line("705-555-0130", phone_type="cell", description="Young parents worker (call or text)")
    assert (both.kind, both.tel, both.sms) == ("voice", "tel:7055550130", "sms:7055550130")
    assert phone_line("705-555-0131", description="Context and advice").sms == ""  # a word with it inside
    assert phone_line("705-555-0131", description="Textez-nous").sms == "sms:7055550131"
    assert phone_line("705-555-0131", description="Par texto").sms == "sms:7055550131"
    fax = phone_line("705-555-0121", phone_type="fax", description="Referrals")
    assert (fax.kind, fax.tel, fax.sms, fax.number) == ("fax", "", "", "705-555-0121")
    assert phone_line("705-555-0122", description="Fax").kind == "fax"
    assert phone_line("705-555-0122", phone_type="voice", description="Phone or fax").kind == "voice"
    assert phone_line("705-555-0123", phone_type="tty").tel == "tel:7055550123"
    assert phone_line("12").tel == "" and phone_line("").tel == ""


def test_dialable_keeps_a_leading_plus_only():
    assert dialable("+33 1 23 45 67 89") == "+33123456789"
    assert dialable("1 + 2") == "12"


def test_addresses_in_english_and_french():
    address = Address("120 Lakeshore Drive", "Unit 4", "Maple Bay", "ON", "P1B 2C3", "CA")
    assert address.text("en") == "120 Lakeshore Drive, Unit 4, Maple Bay, ON P1B 2C3"
    assert address.text("fr") == "120 Lakeshore Drive, Unit 4, Maple Bay (Ontario)\u00a0\u00a0P1B 2C3"
    assert Address("1 rue Principale", city="Gatineau", state_province="QC").text("fr") == (
        "1 rue Principale, Gatineau (Québec)"
    )
    assert Address(city="Maple Bay").text("en") == "Maple Bay"
    assert address.query() == "120 Lakeshore Drive, Maple Bay, Ontario, Canada"


def test_directions_go_to_the_map_position_else_a_search_for_the_address():
    assert (
        directions_url(46.3118, -79.4582) == "https://www.openstreetmap.org/directions?to=46.3118%2C-79.4582"
    )
    assert (
        directions_url(None, -79.4) == ""
        and directions_url(91, 0) == ""
        and directions_url(float("nan"), 0) == ""
    )
    address = Address("120 Lakeshore Drive", city="Maple Bay", state_province="ON", country="CA")
    assert directions(None, None, [address]) == (
        "https://www.openstreetmap.org/search?query=120%20Lakeshore%20Drive%2C%20Maple%20Bay%2C%20Ontario%2C%20Canada"
    )
    assert directions(46.3, -79.4, [address]).startswith(
        "https://www.openstreetmap.org/directions?to=46.3%2C"
    )
    assert directions(None, None, []) == "" and search_url("  ") == ""


@given(st.text(max_size=200))
def test_a_search_link_is_a_web_address_whatever_the_address_says(text):
    url = search_url(text)
    assert url == "" or (links.is_safe(url) and url.startswith("https://www.openstreetmap.org/search?query="))
