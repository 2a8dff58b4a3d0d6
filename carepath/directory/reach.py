"""How to reach a service, from its HSDS phones and addresses: links a phone can act on, addresses in each
language's conventions, and directions on OpenStreetMap. Plain Python (no Django).

- A phone's ``tel:`` and ``sms:`` links hold digits (and a leading ``+``) only, whatever the stored number looks
  like (``(705) 555-0120``, ``1-800-FLOWERS``); an extension written into the number is taken out of it.
- What a number is for comes from the HSDS ``type`` (``fax``, ``text``, ``sms``, ``tty``, ``textphone``) and
  from its description ("call or text", "texto"; "Fax" when the type is not a voice line): a fax gets no link
  (providers still need it), a text line gets an ``sms:`` link, a voice line whose description says it takes
  texts gets both.
- Directions open OpenStreetMap's route planner at the location's map position, else its search at the
  address; never a map embed or a third-party script.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import quote

TEXTS = re.compile(r"\b(text|texts|texting|sms|texto|textos|textez|messages? textes?)\b", re.IGNORECASE)
FAXES = re.compile(r"\b(fax|télécopieur|télécopie)\b", re.IGNORECASE)
CALLS = re.compile(r"\b(call|phone|voice|appel|appelez|téléphone|téléphonez)\b", re.IGNORECASE)
EXTENSION = re.compile(r"\s*(?:,|;|#|\bext\.?|\bextension\b|\bx|\bposte\b)\s*(\d{1,8})\s*$", re.IGNORECASE)
VANITY = re.compile(r"^\+?[\d\s().-]*\d[\s.-]*[A-Z][A-Z\d\s.-]*$")  # 1-800-FLOWERS: letters after the digits
KEYS = ("abc", "def", "ghi", "jkl", "mno", "pqrs", "tuv", "wxyz")  # on the keys 2 to 9 of a phone
KEYPAD = {letter: str(key) for key, letters in enumerate(KEYS, start=2) for letter in letters}
MIN_DIGITS = 3  # 211, 811, 911

OSM = "https://www.openstreetmap.org"

PROVINCES = {  # code: (English, French)
    "AB": ("Alberta", "Alberta"),
    "BC": ("British Columbia", "Colombie-Britannique"),
    "MB": ("Manitoba", "Manitoba"),
    "NB": ("New Brunswick", "Nouveau-Brunswick"),
    "NL": ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    "NS": ("Nova Scotia", "Nouvelle-Écosse"),
    "NT": ("Northwest Territories", "Territoires du Nord-Ouest"),
    "NU": ("Nunavut", "Nunavut"),
    "ON": ("Ontario", "Ontario"),
    "PE": ("Prince Edward Island", "Île-du-Prince-Édouard"),
    "QC": ("Quebec", "Québec"),
    "SK": ("Saskatchewan", "Saskatchewan"),
    "YT": ("Yukon", "Yukon"),
}
COUNTRIES = {"CA": "Canada", "US": "United States"}


@dataclass(frozen=True)
class PhoneLine:
    """One number: as stored (``number``), its extension, what it is for (``kind``: voice, text, fax or tty)
    and the links a phone can act on ("" when there is none)."""

    number: str
    extension: str
    description: str
    kind: str
    tel: str
    sms: str

    @property
    def callable(self) -> bool:
        return bool(self.tel)


def dialable(number: str) -> str:
    """The digits to dial, with a leading ``+`` when the number has one. Letters count as on a keypad in a
    number that ends in capitals (``1-800-FLOWERS``); anywhere else (``TTY 705 555 0199``, ``(main)``) they are
    not part of the number."""
    text = number.strip()
    plus = "+" if text.startswith("+") else ""
    if VANITY.match(text):
        text = "".join(KEYPAD.get(ch.lower(), ch) for ch in text)
    return plus + "".join(ch for ch in text if ch in "0123456789")


def split_extension(number: str, extension: float | str | None = None) -> tuple[str, str]:
    """The number without an extension written into it ("705-555-0120 ext. 23"), and the extension (the
    field's, else the one written in the number)."""
    found = EXTENSION.search(number)
    if found is not None and len(dialable(number[: found.start()])) >= MIN_DIGITS:
        number, written = number[: found.start()].rstrip(" ,;"), found.group(1)
    else:
        written = ""
    if isinstance(extension, float) and math.isfinite(extension) and extension >= 0:
        return number, str(int(extension))
    if isinstance(extension, str) and extension.strip().isdigit():
        return number, extension.strip()
    return number, written


def kind_of(phone_type: str | None, description: str = "") -> str:
    kind = (phone_type or "").strip().lower()
    if kind in ("fax", "text", "tty"):
        return kind
    if kind == "sms":
        return "text"
    if kind == "textphone":
        return "tty"
    fax_only = FAXES.search(description) and not (CALLS.search(description) or TEXTS.search(description))
    if fax_only and kind not in ("voice", "cell", "pager"):
        return "fax"  # a number without a type, described as a fax line only
    return "voice"


def phone_line(
    number: str, *, phone_type: str | None = None, extension: float | str | None = None, description: str = ""
) -> PhoneLine:
    shown, ext = split_extension(number or "", extension)
    kind = kind_of(phone_type, description)
    digits = dialable(shown)
    usable = len(digits.lstrip("+")) >= MIN_DIGITS
    calls = usable and kind in ("voice", "tty")
    texts = usable and (kind == "text" or (kind == "voice" and bool(TEXTS.search(description))))
    return PhoneLine(
        number=shown.strip(),
        extension=ext,
        description=description.strip(),
        kind=kind,
        tel=f"tel:{digits}" if calls else "",
        sms=f"sms:{digits}" if texts else "",
    )


# Addresses and directions


def _coordinate(value: float | None, bound: float) -> str | None:
    if value is None or not math.isfinite(value) or abs(value) > bound:
        return None
    return f"{value:.6f}".rstrip("0").rstrip(".")


def directions_url(latitude: float | None, longitude: float | None) -> str:
    """OpenStreetMap's route planner to a map position; "" when the position is missing or impossible."""
    lat, lon = _coordinate(latitude, 90), _coordinate(longitude, 180)
    if lat is None or lon is None:
        return ""
    return f"{OSM}/directions?to={lat}%2C{lon}"


def search_url(query: str) -> str:
    """OpenStreetMap's search for an address; "" for an empty one."""
    query = " ".join(query.split())
    return f"{OSM}/search?query={quote(query, safe='')}" if query else ""


@dataclass(frozen=True)
class Address:
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""
    country: str = ""

    def text(self, language: str) -> str:
        """In running text: "120 Lakeshore Drive, Maple Bay, ON P1B 2C3"; in French the province is
        spelled out in brackets, with two spaces before the postal code: "Maple Bay (Ontario)  P1B 2C3"."""
        street = [p.strip() for p in (self.address_1, self.address_2) if p and p.strip()]
        city, province, postal = self.city.strip(), self.state_province.strip(), self.postal_code.strip()
        if language == "fr":
            name = PROVINCES.get(province.upper(), (province, province))[1] if province else ""
            place = " ".join(p for p in (city, f"({name})" if name else "") if p)
            place = "\u00a0\u00a0".join(p for p in (place, postal) if p)
        else:
            region = " ".join(p for p in (province, postal) if p)
            place = ", ".join(p for p in (city, region) if p)
        return ", ".join([*street, place] if place else street)

    def query(self) -> str:
        """What to search a map for: street, city, province and country (postal codes confuse searches)."""
        country = COUNTRIES.get(self.country.strip().upper(), self.country.strip())
        province = PROVINCES.get(self.state_province.strip().upper(), (self.state_province.strip(),))[0]
        parts = (self.address_1, self.city, province, country)
        return ", ".join(p.strip() for p in parts if p and p.strip())


def directions(latitude: float | None, longitude: float | None, addresses: list[Address]) -> str:
    """Directions to a location: its map position, else a search for its first address; "" without either."""
    return directions_url(latitude, longitude) or next(
        (url for url in (search_url(a.query()) for a in addresses if a.address_1 or a.city) if url), ""
    )
