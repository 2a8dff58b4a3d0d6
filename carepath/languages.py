"""Languages families and services name: each by its own name as well as in English and French.

Pure data, no Django. Codes are ISO 639-1 where there is one, else ISO 639-3; ``ALIASES`` lists the other
codes directories use for the same language, so a family asking for "fr" finds a service listed in "fra".
Languages of the region come first, then those most spoken by newcomers to Ontario.
"""

from __future__ import annotations

# code: (its own name, English name, French name as written inside a French sentence)
NAMES: dict[str, tuple[str, str, str]] = {
    "en": ("English", "English", "anglais"),
    "fr": ("français", "French", "français"),
    "oj": ("Anishinaabemowin", "Ojibwe", "ojibwé"),
    "cr": ("ᓀᐦᐃᔭᐍᐏᐣ (Nēhiyawēwin)", "Cree", "cri"),
    "iu": ("ᐃᓄᒃᑎᑐᑦ", "Inuktitut", "inuktitut"),
    "mic": ("Mi'kmaw", "Mi'kmaq", "micmac"),
    "moe": ("Innu-aimun", "Innu", "innu"),
    "ase": ("ASL", "American Sign Language", "langue des signes américaine"),
    "fcs": ("LSQ", "Quebec Sign Language", "langue des signes québécoise"),
    "ar": ("العربية", "Arabic", "arabe"),
    "zh": ("中文", "Chinese", "chinois"),
    "yue": ("廣東話", "Cantonese", "cantonais"),
    "cmn": ("普通话", "Mandarin", "mandarin"),
    "es": ("español", "Spanish", "espagnol"),
    "pt": ("português", "Portuguese", "portugais"),
    "pa": ("ਪੰਜਾਬੀ", "Punjabi", "pendjabi"),
    "ur": ("اردو", "Urdu", "ourdou"),
    "hi": ("हिन्दी", "Hindi", "hindi"),
    "gu": ("ગુજરાતી", "Gujarati", "goudjarati"),
    "bn": ("বাংলা", "Bengali", "bengali"),
    "ta": ("தமிழ்", "Tamil", "tamoul"),
    "ne": ("नेपाली", "Nepali", "népalais"),
    "tl": ("Tagalog", "Tagalog", "tagalog"),
    "vi": ("Tiếng Việt", "Vietnamese", "vietnamien"),
    "ko": ("한국어", "Korean", "coréen"),
    "ja": ("日本語", "Japanese", "japonais"),
    "fa": ("فارسی", "Persian (Farsi)", "persan (farsi)"),
    "prs": ("دری", "Dari", "dari"),
    "ps": ("پښتو", "Pashto", "pachto"),
    "so": ("Soomaali", "Somali", "somali"),
    "ti": ("ትግርኛ", "Tigrinya", "tigrigna"),
    "am": ("አማርኛ", "Amharic", "amharique"),
    "sw": ("Kiswahili", "Swahili", "swahili"),
    "ht": ("Kreyòl ayisyen", "Haitian Creole", "créole haïtien"),
    "uk": ("українська", "Ukrainian", "ukrainien"),
    "ru": ("русский", "Russian", "russe"),
    "pl": ("polski", "Polish", "polonais"),
    "ro": ("română", "Romanian", "roumain"),
    "hu": ("magyar", "Hungarian", "hongrois"),
    "sr": ("српски", "Serbian", "serbe"),
    "hr": ("hrvatski", "Croatian", "croate"),
    "sq": ("shqip", "Albanian", "albanais"),
    "el": ("Ελληνικά", "Greek", "grec"),
    "tr": ("Türkçe", "Turkish", "turc"),
    "he": ("עברית", "Hebrew", "hébreu"),
    "de": ("Deutsch", "German", "allemand"),
    "it": ("italiano", "Italian", "italien"),
    "nl": ("Nederlands", "Dutch", "néerlandais"),
}

# ISO 639-1 codes and the ISO 639-2/3 codes directories also use for the same language.
ALIASES: dict[str, tuple[str, ...]] = {
    "en": ("eng",),
    "fr": ("fra", "fre"),
    "oj": ("oji", "ojb", "ojc", "ojg", "ojs", "ojw", "otw", "ciw"),
    "cr": ("cre", "crk", "crj", "crl", "crm", "csw", "cwd"),
    "iu": ("iku", "ike", "ikt"),
    "ar": ("ara",),
    "zh": ("zho", "chi", "cmn", "yue"),
    "es": ("spa",),
    "pt": ("por",),
    "pa": ("pan",),
    "ur": ("urd",),
    "hi": ("hin",),
    "gu": ("guj",),
    "bn": ("ben",),
    "ta": ("tam",),
    "ne": ("nep", "npi"),
    "tl": ("tgl", "fil"),
    "vi": ("vie",),
    "ko": ("kor",),
    "ja": ("jpn",),
    "fa": ("fas", "per", "pes"),
    "ps": ("pus", "pbt"),
    "so": ("som",),
    "ti": ("tir",),
    "am": ("amh",),
    "sw": ("swa", "swh"),
    "ht": ("hat",),
    "uk": ("ukr",),
    "ru": ("rus",),
    "pl": ("pol",),
    "ro": ("ron", "rum"),
    "hu": ("hun",),
    "sr": ("srp",),
    "hr": ("hrv",),
    "sq": ("sqi", "alb"),
    "el": ("ell", "gre"),
    "tr": ("tur",),
    "he": ("heb",),
    "de": ("deu", "ger"),
    "it": ("ita",),
    "nl": ("nld", "dut"),
}
_EQUIVALENT = {code: frozenset((code, *aliases)) for code, aliases in ALIASES.items()}
for _code, _same in list(_EQUIVALENT.items()):
    for _alias in _same:
        _EQUIVALENT.setdefault(_alias, _same)
_CANONICAL = {alias: code for code, aliases in ALIASES.items() for alias in aliases if alias not in NAMES}


def equivalents(code: str) -> frozenset[str]:
    """The codes that name the same language as ``code`` (itself included)."""
    return _EQUIVALENT.get(code, frozenset((code,)))


def known(code: str) -> bool:
    return code.lower() in NAMES or code.lower() in _CANONICAL


def _names(code: str) -> tuple[str, str, str] | None:
    """Its own, English and French names, by its code or one of the code's aliases; None when unknown."""
    code = code.lower()
    return NAMES.get(code) or NAMES.get(_CANONICAL.get(code, ""))


def name(code: str, language: str) -> str | None:
    """The language's name in English or French, as written inside a sentence; None when unknown."""
    found = _names(code)
    if found is None:
        return None
    return found[2] if language == "fr" else found[1]


def label(code: str, language: str) -> str | None:
    """The language by its own name, then in the reader's language where they differ: "ਪੰਜਾਬੀ (Punjabi)",
    "English", "français (French)"; None when unknown."""
    found = _names(code)
    if found is None:
        return None
    own, english, french = found
    local = french if language == "fr" else english
    if own.casefold() == local.casefold():
        return own
    return f"{own} ({local})"
