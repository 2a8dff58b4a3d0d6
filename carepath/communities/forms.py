from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carepath import children, concurrency
from carepath.accounts.models import Membership
from carepath.directory.vocabulary import load as load_vocabulary

from .models import Community, InventoryEntry, ListingReport, Place

FILTER_BRANCHES = ("service-type", "concern", "delivery", "sector", "tier", "cost")


def branch_choices(branch: str) -> list[tuple[str, str]]:
    language = get_language() or "en"
    return [(term.code, term.label(language)) for term in load_vocabulary().in_branch(branch)]


class InventoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("e.g. speech, sleep, counselling")}),
    )
    age_months = forms.IntegerField(
        label=_("Child's age in months"),
        required=False,
        min_value=0,
        max_value=216,
        help_text=_("For example 18 for a toddler of a year and a half."),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    term = forms.MultipleChoiceField(required=False)

    def __init__(self, *args: Any, languages: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *(languages or [])]
        self.fields["term"].choices = [c for branch in FILTER_BRANCHES for c in branch_choices(branch)]
        self.branches = [
            {
                "code": branch,
                "label": load_vocabulary().terms[branch].label(get_language() or "en"),
                "choices": branch_choices(branch),
            }
            for branch in FILTER_BRANCHES
        ]

    def selected_terms(self) -> list[str]:
        return list(self.cleaned_data.get("term") or []) if self.is_valid() else []


class ElsewhereSearchForm(forms.Form):
    q = forms.CharField(label=_("Search services other communities keep"), required=False, max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "A JSON file (one service, a list or a service_list page) or a .zip data package of CSV files."
        ),
        validators=[FileExtensionValidator(["json", "zip"])],
    )
    language = forms.ChoiceField(
        label=_("Language of the file's text"),
        choices=[("en", _("English")), ("fr", _("French"))],
        initial="en",
    )

    def __init__(self, *args: Any, max_bytes: int, stopped: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.stopped = stopped  # the upload passed the limit and was not read further
        if stopped:  # the rest of the body was never read: only the file's error is worth showing
            for field in self.fields.values():
                field.required = False

    def clean_file(self) -> Any:
        if self.stopped:
            raise forms.ValidationError(
                _("The file is larger than the %(limit)s bytes allowed for an upload."),
                params={"limit": self.max_bytes},
            )
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s bytes."),
                params={"size": upload.size, "limit": self.max_bytes},
            )
        return upload


class EntryForm(concurrency.RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = InventoryEntry
        fields = ["published", "referral_notes_en", "referral_notes_fr", "local_contact"]
        labels = {
            "referral_notes_en": _("How to refer here (English)"),
            "referral_notes_fr": _("How to refer here (French)"),
        }
        widgets = {
            "referral_notes_en": forms.Textarea(attrs={"rows": 3}),
            "referral_notes_fr": forms.Textarea(attrs={"rows": 3}),
        }


class CommunityForm(concurrency.RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name_en", "name_fr", "region_en", "region_fr", "description_en", "description_fr"]
        labels = {
            "name_en": _("Name (English)"),
            "name_fr": _("Name (French)"),
            "region_en": _("Region (English)"),
            "region_fr": _("Region (French)"),
            "description_en": _("Description (English)"),
            "description_fr": _("Description (French)"),
        }
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_fr": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True
        self.fields["name_fr"].required = True


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["key", "name_en", "name_fr", "kind", "latitude", "longitude"]
        labels = {
            "key": _("Short key"),
            "name_en": _("Name (English)"),
            "name_fr": _("Name (French)"),
        }
        help_texts = {"key": _("Lowercase letters, digits and hyphens, e.g. cedar-narrows.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True
        self.fields["name_fr"].required = True


PlaceFormSet = forms.inlineformset_factory(
    Community, Place, form=PlaceForm, extra=1, can_delete=True, max_num=200, validate_max=True
)


def place_changes(formset: Any) -> list[dict[str, Any]]:
    """A valid places formset's changes as data for ``services.save_settings``."""
    return children.changes(formset, PlaceForm.Meta.fields)


class ReportForm(forms.Form):
    """What is wrong with a service's listing, in the reporter's words; an address only if they want an answer."""

    kind = forms.ChoiceField(
        label=_("What is wrong?"), choices=ListingReport.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=ListingReport.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For example the right phone number or hours. Up to 2,000 characters. "
            "Please write nothing about your child or your family."
        ),
    )
    reply_email = forms.EmailField(
        label=_("Your email, if you would like an answer"),
        required=False,
        max_length=254,
        help_text=_("Only the people who keep this listing see it."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("kind") == ListingReport.Kind.OTHER
            and not cleaned.get("text")
            and "text" not in self.errors
        ):
            self.add_error("text", _("Say what is wrong with the listing."))
        return cleaned


class MemberForm(forms.Form):
    """A member's role at the table and whether they may edit the pathway."""

    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    can_edit_pathway = forms.BooleanField(
        label=_("Can edit the pathway"),
        required=False,
        help_text=_("Facilitators always can; members with this right edit draft pathways."),
    )


class MemberAddForm(MemberForm):
    account = forms.CharField(
        label=_("User name or e-mail address"),
        max_length=254,
        help_text=_("Of an account on this site. A site administrator creates accounts."),
    )
    field_order = ["account", "role", "can_edit_pathway"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Membership.Role.MEMBER
