"""Editing a service through forms: its text in both languages, its facts and its carepath terms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carepath import children, concurrency
from carepath.validators import SafeURLValidator

from .models import Organization, Phone, Service
from .vocabulary import POPULATION_VALUES, WAIT_DAYS
from .vocabulary import load as load_vocabulary

TRANSLATED_FIELDS = (
    "name",
    "description",
    "application_process",
    "eligibility_description",
    "fees_description",
    "interpretation_services",
    "alert",
)
LABELS = {
    "name": _("Name"),
    "description": _("Description"),
    "application_process": _("How to apply"),
    "eligibility_description": _("Who it is for (eligibility)"),
    "fees_description": _("Cost"),
    "interpretation_services": _("Interpretation"),
    "alert": _("Notice"),
}
TERM_BRANCHES = ("service-type", "concern", "delivery", "tier", "sector", "referral", "cost")
LONG = {"description", "application_process", "eligibility_description", "fees_description"}


class ServiceForm(concurrency.RevisionFormMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization"), required=False
    )
    new_organization = forms.CharField(
        label=_("Or a new organization"),
        required=False,
        max_length=300,
        help_text=_("Its name, when the service's organization is not in the list yet."),
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=200,
        help_text=_("ISO 639 codes separated by commas, most used first, e.g. en, fr, oj."),
    )
    wait_days = forms.IntegerField(
        label=_("Typical wait in days"), required=False, min_value=0, max_value=3650
    )

    class Meta:
        model = Service
        fields = [
            "organization",
            "status",
            *[f"{name}_{lang}" for name in TRANSLATED_FIELDS for lang in ("en", "fr")],
            "url",
            "email",
            "minimum_age",
            "maximum_age",
        ]
        widgets = {
            **{f"{name}_{lang}": forms.Textarea(attrs={"rows": 3}) for name in LONG for lang in ("en", "fr")},
            **{
                f"{name}_{lang}": forms.TextInput()
                for name in TRANSLATED_FIELDS
                if name not in LONG
                for lang in ("en", "fr")
            },
            "url": forms.URLInput(),
            "email": forms.EmailInput(),
        }
        labels = {
            "minimum_age": _("Minimum age (years)"),
            "maximum_age": _("Maximum age (years)"),
            "url": _("Web address"),
            "email": _("Email"),
            "status": _("Status"),
        }

    def __init__(
        self,
        *args: Any,
        terms: list[tuple[str, str | None]] | None = None,
        languages: list[str] | None = None,
        steward: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A service is part of its organization: offer the organizations the community keeps (and the
        # service's own, when another keeps it), never one it could speak for without keeping it.
        kept = Q(steward=steward) if steward is not None else Q(steward__isnull=True)
        self.fields["organization"].queryset = Organization.objects.filter(
            kept | Q(pk=getattr(self.instance, "organization_id", None))
        ).order_by("name_en")
        for name in TRANSLATED_FIELDS:
            for lang in ("en", "fr"):
                self.fields[f"{name}_{lang}"].label = LABELS[name]
        for name in ("minimum_age", "maximum_age"):
            value = getattr(self.instance, name, None)
            if isinstance(value, float) and value.is_integer():
                self.initial[name] = int(value)
            self.fields[name].widget.attrs.update({"step": "0.5", "min": "0", "max": "130"})
        self.fields["name_en"].required = True
        self.fields["url"].validators.append(SafeURLValidator())  # http(s) only: no javascript: links
        language = get_language() or "en"
        vocab = load_vocabulary()
        chosen = dict(terms or [])
        self.term_fields: list[str] = []
        for branch in TERM_BRANCHES:
            name = f"terms_{branch}"
            self.fields[name] = forms.MultipleChoiceField(
                label=vocab.terms[branch].label(language),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(t.code, t.label(language)) for t in vocab.in_branch(branch)],
                initial=[code for code in chosen if code.startswith(f"{branch}/")],
            )
            self.term_fields.append(name)
        self.population_fields: list[str] = []
        for term in vocab.in_branch("population"):
            name = f"population_{term.key}"
            self.fields[name] = forms.ChoiceField(
                label=term.label(language),
                required=False,
                choices=[
                    ("", _("Not specific")),
                    ("focus", _("Culturally specific, open to all")),
                    ("only", _("Only for this population")),
                ],
                initial=chosen.get(term.code) or "",
            )
            self.population_fields.append(name)
        if WAIT_DAYS in chosen and (chosen[WAIT_DAYS] or "").isdigit():
            self.fields["wait_days"].initial = int(chosen[WAIT_DAYS] or 0)
        self.fields["languages"].initial = ", ".join(languages or [])
        for field in self.fields.values():
            if field.help_text == "" and isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("organization") and not data.get("new_organization", "").strip():
            self.add_error(
                "organization", _("Choose the service's organization, or give the name of a new one.")
            )
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age must not be less than the minimum age."))
        for name in ("minimum_age", "maximum_age"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 130:
                self.add_error(name, _("Give an age in years between 0 and 130."))
        return data

    def clean_languages(self) -> list[str]:
        codes = [
            code.strip().lower() for code in self.cleaned_data.get("languages", "").split(",") if code.strip()
        ]
        bad = [code for code in codes if not (code.isalpha() and len(code) in (2, 3))]
        if bad:
            raise forms.ValidationError(
                _("These are not ISO 639 language codes: %(codes)s."), params={"codes": ", ".join(bad)}
            )
        return list(dict.fromkeys(codes))

    def chosen_terms(self) -> list[tuple[str, str | None]]:
        """The carepath terms the form asks for, with their values."""
        chosen: list[tuple[str, str | None]] = []
        for name in self.term_fields:
            chosen += [(code, None) for code in self.cleaned_data.get(name, [])]
        vocab = load_vocabulary()
        for term in vocab.in_branch("population"):
            value = self.cleaned_data.get(f"population_{term.key}")
            if value in POPULATION_VALUES:
                chosen.append((term.code, value))
        if self.cleaned_data.get("wait_days") is not None:
            chosen.append((WAIT_DAYS, str(self.cleaned_data["wait_days"])))
        return chosen


class PhoneForm(forms.ModelForm):
    class Meta:
        model = Phone
        fields = ["number", "extension", "description_en", "description_fr"]
        labels = {
            "number": _("Phone number"),
            "extension": _("Extension"),
            "description_en": _("What this number is for (English)"),
            "description_fr": _("What this number is for (French)"),
        }
        widgets = {"number": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if sum(ch.isdigit() for ch in number) < 3:
            raise forms.ValidationError(_("Give a phone number with its digits, e.g. 705-555-0123."))
        return number


PhoneFormSet = forms.inlineformset_factory(
    Service, Phone, form=PhoneForm, fk_name="service", extra=1, can_delete=True, max_num=10, validate_max=True
)


def phone_changes(formset: Any) -> list[dict[str, Any]]:
    """A valid phone formset's changes as data for ``directory.services.set_phones``."""
    return children.changes(formset, PhoneForm.Meta.fields)


class PlaceForm(forms.Form):
    """Where the service is offered: a location with its street address and map position."""

    location_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name_en = forms.CharField(label=_("Name of the place (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name of the place (French)"), max_length=200, required=False)
    address_1 = forms.CharField(label=_("Street address"), max_length=200)
    city = forms.CharField(label=_("Town or city"), max_length=100)
    state_province = forms.CharField(label=_("Province or territory"), max_length=50, initial="ON")
    postal_code = forms.CharField(label=_("Postal code"), max_length=12)
    country = forms.CharField(label=_("Country"), max_length=2, initial="CA")
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude, or neither."))
        return data


PlaceFormSet = forms.formset_factory(PlaceForm, extra=1, can_delete=True, max_num=20, validate_max=True)


def place_initial(service: Service) -> list[dict[str, Any]]:
    """The service's places as form values."""
    initial = []
    for sal in service.service_at_locations.select_related("location").prefetch_related(
        "location__addresses"
    ):
        location = sal.location
        if location is None:
            continue
        address = next(iter(location.addresses.all()), None)
        initial.append(
            {
                "location_id": location.id,
                "name_en": location.name_en or "",
                "name_fr": location.name_fr or "",
                "latitude": location.latitude,
                "longitude": location.longitude,
                **(
                    {
                        key: getattr(address, key)
                        for key in ("address_1", "city", "state_province", "postal_code", "country")
                    }
                    if address
                    else {}
                ),
            }
        )
    return initial
