"""Forms of the practice registry: every input is checked here, with the field and the reason."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carepath import i18n
from carepath.accounts.models import User
from carepath.accounts.queries import reviewers
from carepath.concurrency import RevisionFormMixin
from carepath.validators import SafeURLValidator

from . import codes, instruments, rubric
from .models import Evidence, Instrument, Organization, Practice, Survey
from .models.practices import RESTRICTABLE


def restrictable_choices() -> list[tuple[str, Any]]:
    """The practice fields a community can keep private, named as the forms name them."""
    return [
        (field, _("Evidence") if field == "evidence" else Practice._meta.get_field(field).verbose_name)
        for field in RESTRICTABLE
    ]


class CodesField(forms.MultipleChoiceField):
    """Codes of one branch of the registry's vocabulary, labelled in the page's language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, branch: str, **kwargs: Any) -> None:
        super().__init__(choices=lambda: codes.choices(branch, i18n.language()), **kwargs)


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    dimension = forms.ChoiceField(label=_("Integration dimension"), required=False)
    setting = forms.ChoiceField(label=_("Setting"), required=False)
    population = forms.ChoiceField(label=_("Population served"), required=False)
    jurisdiction = forms.ChoiceField(label=_("Province or territory"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    strategy = forms.ChoiceField(label=_("WHO strategy"), required=False)

    def __init__(self, *args: Any, strategies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = i18n.language()
        anything = [("", _("Any"))]
        for branch in ("dimension", "setting", "population", "jurisdiction"):
            self.fields[branch].choices = anything + codes.choices(branch, language)  # type: ignore[attr-defined]
        self.fields["tier"].choices = anything + [  # type: ignore[attr-defined]
            (value, label) for value, label in Practice.Tier.choices if value
        ]
        self.fields["strategy"].choices = anything + strategies  # type: ignore[attr-defined]


class PracticeForm(RevisionFormMixin, forms.ModelForm):
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Organizations")
    )
    jurisdictions = CodesField("jurisdiction", label=_("Provinces and territories"))
    settings = CodesField("setting", label=_("Settings"), required=False)
    populations = CodesField("population", label=_("Populations served"), required=False)
    dimensions = CodesField("dimension", label=_("Integration dimensions"))
    approaches = forms.MultipleChoiceField(
        label=_("WHO IPCHS approaches it embodies"), required=False, widget=forms.CheckboxSelectMultiple
    )
    restricted_fields = forms.MultipleChoiceField(
        label=_("Keep these private (never shown publicly)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=restrictable_choices,
    )

    class Meta:
        model = Practice
        fields = [
            "name_en",
            "name_fr",
            "summary_en",
            "summary_fr",
            "organizations",
            "jurisdictions",
            "region",
            "settings",
            "populations",
            "dimensions",
            "conditions_en",
            "conditions_fr",
            "description_en",
            "description_fr",
            "core_components_en",
            "core_components_fr",
            "adaptable_components_en",
            "adaptable_components_fr",
            "outcomes_en",
            "outcomes_fr",
            "contacts",
            "approaches",
            "indigenous",
            "indigenous_community",
            "restricted_fields",
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 4})
            for field in (
                "summary_en",
                "summary_fr",
                "conditions_en",
                "conditions_fr",
                "description_en",
                "description_fr",
                "core_components_en",
                "core_components_fr",
                "adaptable_components_en",
                "adaptable_components_fr",
                "outcomes_en",
                "outcomes_fr",
                "contacts",
            )
        }

    def __init__(self, *args: Any, user: User, instrument: Instrument | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.has_perm("practices.manage"):  # editors submit for any organization
            self.fields["organizations"].queryset = Organization.objects.all()  # type: ignore[attr-defined]
        else:
            self.fields["organizations"].queryset = Organization.objects.filter(memberships__user=user)  # type: ignore[attr-defined]
        language = i18n.language()
        self.instrument = instrument
        if instrument is not None:
            self.fields["approaches"].choices = [  # type: ignore[attr-defined]
                (item["code"], f"{item['code']} {item['title'][language]}")
                for item in instrument.items.values()
            ]
        for field in ("name_en", "summary_en"):
            self.fields[field].required = True
        self.fields["contacts"].help_text = _("Who to contact and how; one per line.")
        self.fields["core_components_en"].help_text = _(
            "What must stay the same when others adopt it; one per line."
        )
        self.fields["adaptable_components_en"].help_text = _("What others can change to fit their setting.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("indigenous") and not (data.get("indigenous_community") or "").strip():
            self.add_error(
                "indigenous_community",
                _("Name the community or organization whose approval publishing needs."),
            )
        return data

    def practice_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "organizations"}
        data["instrument"] = self.instrument
        return data


class WebAddressField(forms.URLField):
    """A link people will follow: http or https only (Django's URLField also takes ftp); ``example.org`` is
    read as ``https://example.org``. The model field's own URLValidator then checks the address is well formed."""

    default_validators = [SafeURLValidator()]


class EvidenceForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Type"))
    url = WebAddressField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["kind", "title", "url", "date", "summary_en", "summary_fr"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = codes.choices("evidence", i18n.language())  # type: ignore[attr-defined]

    def clean_date(self) -> datetime.date | None:
        date: datetime.date | None = self.cleaned_data.get("date")
        if date is not None and date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Reviewer"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()  # type: ignore[attr-defined]
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class InterestsForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this practice or the organizations behind it?"),
        choices=[("no", _("No, I have none")), ("yes", _("Yes, I have a conflict"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Interests to declare"),
        help_text=_(
            "Work, funding, family or community ties with the organizations, or a role in the practice."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


def rating_choices(language: str) -> list[tuple[str, str]]:
    return [(code, texts["label"][language]) for code, texts in rubric.load().ratings.items()]


class RatingsForm(forms.Form):
    """One rating, comment and evidence selection per criterion the practice is graded on."""

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = i18n.language()
        self.criteria = rubric.load().criteria(practice.indigenous)
        for criterion in self.criteria:
            self.fields[f"r-{criterion.code}"] = forms.ChoiceField(
                label=criterion.title[language],
                choices=rating_choices(language),
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"c-{criterion.code}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
            )
            self.fields[f"e-{criterion.code}"] = forms.ModelMultipleChoiceField(
                label=_("Evidence it rests on"),
                queryset=practice.evidence.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"e-{criterion.code}"].label_from_instance = lambda e: e.title  # type: ignore[attr-defined]
        self.has_evidence = practice.evidence.exists()

    def ratings(self) -> dict[str, tuple[str, str, list[Evidence]]]:
        return {
            c.code: (
                self.cleaned_data[f"r-{c.code}"],
                self.cleaned_data[f"c-{c.code}"],
                list(self.cleaned_data[f"e-{c.code}"]),
            )
            for c in self.criteria
            if self.cleaned_data.get(f"r-{c.code}")
        }

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": c,
                "rating": self[f"r-{c.code}"],
                "comment": self[f"c-{c.code}"],
                "evidence": self[f"e-{c.code}"],
            }
            for c in self.criteria
        ]


class DecisionForm(forms.Form):
    rationale_en = forms.CharField(
        label=_("Rationale (English)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )
    rationale_fr = forms.CharField(
        label=_("Rationale (French)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = i18n.language()
        self.criteria = rubric.load().criteria(practice.indigenous)
        for criterion in self.criteria:
            self.fields[f"a-{criterion.code}"] = forms.ChoiceField(
                label=criterion.title[language], choices=[("", "—"), *rating_choices(language)]
            )

    def agreed(self) -> dict[str, str]:
        return {c.code: self.cleaned_data[f"a-{c.code}"] for c in self.criteria}


class ApprovalForm(RevisionFormMixin, forms.Form):
    """Takes ``revision=subject.revision``: the approval is of the content as it was when the form opened."""

    community = forms.CharField(label=_("Community or organization"), max_length=300)
    approver_name = forms.CharField(label=_("Approved by"), max_length=200)
    approver_role = forms.CharField(
        label=_("Their role"), max_length=200, help_text=_("e.g. Chief, Executive Director, Elder")
    )
    approved_on = forms.DateField(label=_("Approved on"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(
        label=_("What was approved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What they saw and agreed to publish, and any conditions."),
        max_length=4000,
    )
    restricted_fields = forms.MultipleChoiceField(
        label=_("Keep these private (never shown publicly)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=restrictable_choices,
    )

    def __init__(self, *args: Any, restrictable: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not restrictable:
            del self.fields["restricted_fields"]

    def clean_approved_on(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["approved_on"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(label=_("Instrument file (JSON)"))

    def __init__(self, *args: Any, stopped: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopped = stopped  # the upload passed CAREPATH_INSTRUMENT_MAX_BYTES and was not read further
        if stopped:
            self.fields["file"].required = False

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        limit = settings.CAREPATH_INSTRUMENT_MAX_BYTES
        if self.stopped or upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than the %(limit)s bytes allowed for an upload."),
                params={"limit": limit},
            )
        document, problems = instruments.read(
            upload.read(), upload.name, max_depth=settings.CAREPATH_JSON_MAX_DEPTH
        )
        if problems:
            raise forms.ValidationError(problems[:50])
        assert document is not None
        return document


class SurveyForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organization"))
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.all(), label=_("Instrument"))
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("e.g. Self-assessment, spring 2026")
    )
    respondents = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), label=_("People who answer"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["respondents"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            organization_memberships__organization__in=organizations, is_active=True
        ).distinct()
        self.fields["respondents"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
        language = i18n.language()
        self.fields["instrument"].label_from_instance = lambda i: f"{i.title(language)} (v{i.version})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organization = data.get("organization")
        for person in data.get("respondents") or []:
            if organization is not None and not organization.memberships.filter(user=person).exists():
                self.add_error(
                    "respondents",
                    _("%(name)s is not a member of %(org)s.") % {"name": person, "org": organization},
                )
        return data


class AnswersForm(forms.Form):
    """Every question of a survey: a level or "na", and evidence. Nothing is required until submitting."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        scale = survey.instrument.scale
        choices = [(str(level["value"]), str(level["value"])) for level in scale["levels"]]
        if scale.get("not_applicable", True):
            choices.append(("na", _("Not applicable")))
        for code in survey.instrument.layout.questions:
            self.fields[f"q-{code}"] = forms.ChoiceField(
                choices=choices, required=False, widget=forms.RadioSelect
            )
            self.fields[f"e-{code}"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
            )

    def given(self) -> dict[str, tuple[int | None, bool, str]]:
        out = {}
        for code in self.survey.instrument.layout.questions:
            value = self.cleaned_data.get(f"q-{code}") or ""
            evidence = self.cleaned_data.get(f"e-{code}") or ""
            out[code] = (int(value) if value not in ("", "na") else None, value == "na", evidence)
        return out


class ConsensusForm(AnswersForm):
    meeting_on = forms.DateField(
        label=_("Date of the consensus meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Notes from the meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=8000,
    )


class RegistryPageForm(RevisionFormMixin, forms.Form):
    """Takes ``revision=page.revision``."""

    purpose_en = forms.CharField(
        label=_("Purpose (English)"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    purpose_fr = forms.CharField(
        label=_("Purpose (French)"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    partners_en = forms.CharField(
        label=_("Partners (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    partners_fr = forms.CharField(
        label=_("Partners (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    sponsors_en = forms.CharField(
        label=_("Sponsors (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    sponsors_fr = forms.CharField(
        label=_("Sponsors (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    contact = forms.EmailField(label=_("Contact email"), required=False)
