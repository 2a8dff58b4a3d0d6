"""The family journey's questions in plain words; the answers become the navigator request of CONTRACTS.md."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carepath.communities.models import Community
from carepath.directory import vocabulary
from carepath.i18n import language_label
from carepath.pathways.graph import MAX_MONTHS

from .engine import DEFAULT_TRAVEL_KM

# Worries in a parent's words, with examples; the codes are the carepath concern codes.
CONCERNS = [
    (
        "social-emotional",
        _("Feelings and getting along"),
        _("seems sad or withdrawn, does not enjoy playing with others"),
    ),
    ("behaviour", _("Behaviour"), _("many big tantrums, hitting or biting, very hard to manage")),
    (
        "regulation",
        _("Crying and calming down"),
        _("cries a lot, very hard to soothe, upset by small changes"),
    ),
    ("sleep", _("Sleep"), _("hard to fall or stay asleep, night waking that wears the family out")),
    ("feeding", _("Eating"), _("refuses food, very picky, trouble feeding or gaining weight")),
    ("anxiety", _("Fears and worries"), _("very scared of being apart from you, of new people or places")),
    ("attachment", _("Our relationship"), _("hard to feel close, hard for you to comfort your child")),
    ("trauma", _("Something hard happened"), _("a loss, violence, a frightening event or a big change")),
    ("development", _("Growing and learning"), _("not yet doing what most children that age do")),
    ("speech-language", _("Talking and understanding"), _("few words for their age, hard to understand")),
    (
        "autism-signs",
        _("Connecting with others"),
        _("little eye contact, does not answer to their name, repeats movements"),
    ),
    ("caregiver-wellbeing", _("How I am doing as a parent"), _("feeling down, anxious or worn out")),
    ("family-stress", _("Pressures on our family"), _("housing, money, food or conflict at home")),
]
NOT_DONE = ("", _("Not done, or I don't know"))
SCREENING = [
    (
        "asq-se-2",
        _("ASQ:SE-2 (questions about feelings and behaviour)"),
        [
            ("above-cutoff", _("Above the cutoff: a concern")),
            ("monitor", _("In the monitoring zone")),
            ("ok", _("No concern")),
        ],
    ),
    (
        "asq-3",
        _("ASQ-3 (questions about development)"),
        [
            ("below-cutoff", _("Below the cutoff: a concern")),
            ("monitor", _("In the monitoring zone")),
            ("on-track", _("On track")),
        ],
    ),
    (
        "m-chat-r",
        _("M-CHAT-R/F (early signs of autism, 16 to 30 months)"),
        [("high", _("High risk")), ("medium", _("Medium risk")), ("low", _("Low risk"))],
    ),
    (
        "looksee",
        _("Looksee Checklist"),
        [("concerns", _("Some concerns")), ("no-concerns", _("No concerns"))],
    ),
]
# Languages offered first: the official languages, the Indigenous languages of the region, common newcomer
# languages. Any other language of the community's services is added after them.
LANGUAGES = [
    "en",
    "fr",
    "oj",
    "cr",
    "iu",
    "ar",
    "zh",
    "es",
    "pt",
    "pa",
    "ur",
    "tl",
    "so",
    "ti",
    "fa",
    "uk",
    "hi",
    "ta",
    "vi",
]
URGENCY = [
    ("routine", _("We can wait for an appointment")),
    ("soon", _("We need help soon: it is getting harder to cope")),
    ("crisis", _("This is a crisis: someone may get hurt, or we cannot cope today")),
]
CARE = [
    ("", _("No, not yet")),
    ("in-care", _("Yes, my child is getting help now")),
    ("completing", _("Yes, and that help is ending soon")),
]
TRAVEL = [(10, _("10 km")), (25, _("25 km")), (60, _("60 km")), (100, _("100 km")), (200, _("200 km"))]
IDENTITY = [("first-nations", _("First Nations")), ("inuit", _("Inuit")), ("metis", _("Métis"))]
POPULATIONS = [
    ("francophone", _("Francophone")),
    ("newcomer", _("Newcomer or refugee")),
    ("young-parents", _("Young parent (under 25)")),
]


def months_between(born: datetime.date, today: datetime.date) -> int:
    months = (today.year - born.year) * 12 + today.month - born.month
    return months - (1 if today.day < born.day else 0)


class JourneyForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Your child's date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}),
        help_text=_("Or give the age in months below. It is only used to work out the age."),
    )
    age_months = forms.IntegerField(
        label=_("Or your child's age in months"),
        required=False,
        min_value=0,
        max_value=MAX_MONTHS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("From 0 (a newborn) to 83 (just before 7 years)."),
    )
    concerns = forms.MultipleChoiceField(
        label=_("What are you worried about?"),
        required=False,
        choices=[(code, label) for code, label, _examples in CONCERNS],
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label=_("How soon do you need help?"), choices=URGENCY, initial="routine", widget=forms.RadioSelect
    )
    care = forms.ChoiceField(
        label=_("Is your child already getting help for this?"),
        choices=CARE,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    language_1 = forms.ChoiceField(label=_("The language you prefer"))
    language_2 = forms.ChoiceField(label=_("Another language that works for you"), required=False)
    delivery = forms.MultipleChoiceField(
        label=_("Ways that work for you"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if any way works."),
    )
    place = forms.ChoiceField(label=_("Where you live"), required=False)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    max_travel_km = forms.TypedChoiceField(
        label=_("How far can you travel?"), choices=TRAVEL, coerce=int, initial=int(DEFAULT_TRAVEL_KM)
    )
    cost = forms.MultipleChoiceField(
        label=_("What can you pay?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to see every service."),
    )
    indigenous_identity = forms.MultipleChoiceField(
        label=_("Does your child identify as Indigenous?"),
        required=False,
        choices=IDENTITY,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only if you wish: it helps us show Indigenous-led services."),
    )
    populations = forms.MultipleChoiceField(
        label=_("Services made for families like yours"),
        required=False,
        choices=POPULATIONS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only if you wish: some services are made for these families."),
    )

    def __init__(
        self, *args: Any, community: Community, language: str, extra_languages: list[str] = (), **kwargs: Any
    ) -> None:  # type: ignore[assignment]
        kwargs.setdefault("initial", {}).setdefault("language_1", language)
        super().__init__(*args, **kwargs)
        self.community = community
        self.language = language
        for code, label, _choices in SCREENING:
            self.fields[f"screen_{code}"] = forms.ChoiceField(
                label=label, required=False, choices=[NOT_DONE, *_choices]
            )
        codes = LANGUAGES + sorted(set(extra_languages) - set(LANGUAGES))
        choices = [(code, language_label(code)) for code in codes]
        self.fields["language_1"].choices = choices
        self.fields["language_2"].choices = [("", pgettext_lazy("language", "None")), *choices]
        vocab = vocabulary.load()
        self.fields["delivery"].choices = [
            (t.key, t.label(language)) for t in vocab.in_branch("delivery") if t.key != "self-directed"
        ]
        self.fields["cost"].choices = [(t.key, t.label(language)) for t in vocab.in_branch("cost")]
        self.places = {p.key: p for p in community.places.all()}
        self.fields["place"].choices = [
            ("", _("I'd rather not say")),
            *((k, p.name) for k, p in self.places.items()),
        ]
        self.concern_examples = {code: examples for code, _label, examples in CONCERNS}

    def screening_fields(self) -> list[forms.BoundField]:
        return [self[f"screen_{code}"] for code, _label, _choices in SCREENING]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        born, months = data.get("birth_date"), data.get("age_months")
        if born is not None:
            today = timezone.localdate()
            if born > today:
                self.add_error("birth_date", _("The date of birth is in the future."))
            else:
                months = months_between(born, today)
                if months > MAX_MONTHS:
                    self.add_error(
                        "birth_date",
                        _(
                            "Carepath is for children from birth to 6 years old (up to 83 months). Your child is %(months)s months old."
                        )
                        % {"months": months},
                    )
                data["age_months"] = months
        elif months is None and "age_months" not in self.errors:
            self.add_error("age_months", _("Give your child's date of birth or age in months."))
        return data

    def location(self) -> tuple[float, float] | None:
        data = self.cleaned_data
        if data.get("latitude") is not None and data.get("longitude") is not None:
            return data["latitude"], data["longitude"]
        place = self.places.get(data.get("place") or "")
        return (place.latitude, place.longitude) if place else None

    def as_request(self) -> dict[str, Any]:
        """The answers as the navigator request JSON (CONTRACTS.md section 3)."""
        data = self.cleaned_data
        languages = [data["language_1"]] + ([data["language_2"]] if data.get("language_2") else [])
        family: dict[str, Any] = {
            "languages": list(dict.fromkeys(languages)),
            "delivery": data["delivery"],
            "max_travel_km": data["max_travel_km"],
            "cost": data["cost"],
            "populations": data["populations"],
        }
        location = self.location()
        if location is not None:
            family["location"] = {"lat": round(location[0], 3), "lon": round(location[1], 3)}  # about 100 m
        return {
            "community": self.community.slug,
            "language": self.language,
            "child": {
                "age_months": data["age_months"],
                "concerns": data["concerns"],
                "screening": [
                    {"tool": code, "result": data[f"screen_{code}"]}
                    for code, _label, _choices in SCREENING
                    if data.get(f"screen_{code}")
                ],
                "indigenous_identity": data["indigenous_identity"],
            },
            "family": family,
            "situation": {
                "urgency": data["urgency"],
                "in_care": data.get("care") in ("in-care", "completing"),
                "completing_care": data.get("care") == "completing",
            },
        }


def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
    """The form's initial values from a saved request, to change the answers of a saved plan."""
    child, family = answers.get("child", {}), answers.get("family", {})
    situation = answers.get("situation", {})
    languages = family.get("languages", [])
    initial: dict[str, Any] = {
        "age_months": child.get("age_months"),
        "concerns": child.get("concerns", []),
        "indigenous_identity": child.get("indigenous_identity", []),
        "language_1": languages[0] if languages else None,
        "language_2": languages[1] if len(languages) > 1 else "",
        "delivery": family.get("delivery", []),
        "max_travel_km": int(family.get("max_travel_km", DEFAULT_TRAVEL_KM)),
        "cost": family.get("cost", []),
        "populations": family.get("populations", []),
        "urgency": situation.get("urgency", "routine"),
        "care": "completing"
        if situation.get("completing_care")
        else "in-care"
        if situation.get("in_care")
        else "",
    }
    location = family.get("location")
    if location:
        initial["latitude"], initial["longitude"] = location["lat"], location["lon"]
    for item in child.get("screening", []):
        initial[f"screen_{item['tool']}"] = item["result"]
    return initial
