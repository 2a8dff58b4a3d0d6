"""Editing a draft pathway with plain controls: steps, and transitions whose criteria are built from choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carepath.concurrency import RevisionFormMixin
from carepath.directory import vocabulary

from . import describe
from .graph import MAX_MONTHS, SCREENING_TOOLS, URGENCIES, AgeRange, Criteria
from .models import PUBLISH_REASON_MAX, STEP_FIELDS, VERSION_FIELDS, PathwayVersion, Step

key_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lowercase letters, digits and single hyphens.")
)


def _choices(branch: str) -> list[tuple[str, str]]:
    language = (get_language() or "en")[:2]
    return [(term.key, term.label(language)) for term in vocabulary.load().in_branch(branch)]


def _checkboxes(label: Any, branch: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, choices=lambda: _choices(branch)
    )


class DetailsForm(RevisionFormMixin, forms.ModelForm):
    """A draft's name and description, in both languages: what families read at the top of the pathway."""

    class Meta:
        model = PathwayVersion
        fields = list(VERSION_FIELDS)  # what drafts.save_details writes
        labels = {
            "title_en": _("Name (English)"),
            "title_fr": _("Name (French)"),
            "description_en": _("Description (English)"),
            "description_fr": _("Description (French)"),
        }
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "description_fr": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title_en", "title_fr"):
            self.fields[name].required = True


class StepForm(RevisionFormMixin, forms.ModelForm):
    key = forms.CharField(
        label=_("Key"),
        max_length=80,
        validators=[key_validator],
        help_text=_("A short name that stays the same, e.g. intake."),
    )
    service_types = _checkboxes(_("Service types"), "service-type")
    tiers = _checkboxes(_("Tiers of care"), "tier")
    concerns = _checkboxes(_("Concerns served (none: any)"), "concern")
    sectors = _checkboxes(_("Sectors responsible"), "sector")

    class Meta:
        model = Step
        fields = list(STEP_FIELDS)  # what drafts.save_step writes
        labels = {
            "title_en": _("Title (English)"),
            "title_fr": _("Title (French)"),
            "text_en": _("What happens, for families (English)"),
            "text_fr": _("What happens, for families (French)"),
        }
        widgets = {"text_en": forms.Textarea(attrs={"rows": 3}), "text_fr": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, keys: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = (keys or set()) - ({self.instance.key} if self.instance.pk else set())
        for name in ("title_en", "title_fr"):
            self.fields[name].required = True
        for name in ("age_min", "age_max"):
            self.fields[name].widget.attrs.update({"min": 0, "max": MAX_MONTHS})
            self.fields[name].max_value = MAX_MONTHS

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if key == "add":
            raise forms.ValidationError(_("This key is reserved; choose another."))
        if key in self.taken:
            raise forms.ValidationError(_("Another step already has this key."))
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The age window must end after it starts."))
        for name in ("age_min", "age_max"):
            value = data.get(name)
            if value is not None and value > MAX_MONTHS:
                self.add_error(name, _("Give an age from 0 to 83 months."))
        return data


ANY_YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class TransitionForm(RevisionFormMixin, forms.Form):
    """A transition out of a step; a form on a transition that exists takes ``revision=transition.revision``."""

    to = forms.ChoiceField(label=_("Next step"))
    otherwise = forms.BooleanField(
        label=_("Otherwise: take this when no other transition applies"), required=False
    )
    label_en = forms.CharField(label=_("Label (English)"), max_length=300, required=False)
    label_fr = forms.CharField(label=_("Label (French)"), max_length=300, required=False)
    age_min = forms.IntegerField(
        label=_("From age (months)"), required=False, min_value=0, max_value=MAX_MONTHS
    )
    age_max = forms.IntegerField(
        label=_("To age (months)"), required=False, min_value=0, max_value=MAX_MONTHS
    )
    concerns_any = _checkboxes(_("Worried about any of"), "concern")
    concerns_all = _checkboxes(_("Worried about all of"), "concern")
    screening_tool = forms.ChoiceField(label=_("Screening tool"), required=False)
    screening_results = forms.MultipleChoiceField(
        label=_("Screening results"), required=False, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.MultipleChoiceField(
        label=_("Urgency"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(describe.URGENCY_LABELS.items()),
    )
    in_care = forms.ChoiceField(label=_("Already in care"), required=False, choices=ANY_YES_NO)
    completing_care = forms.ChoiceField(label=_("Completing care"), required=False, choices=ANY_YES_NO)

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = steps
        self.fields["screening_tool"].choices = [("", _("None")), *describe.TOOLS.items()]
        self.fields["screening_results"].choices = [
            (f"{tool}:{band}", describe.screening(tool, band))
            for tool, (bands, _ages) in SCREENING_TOOLS.items()
            for band in bands
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        criteria_given = any(
            data.get(name) not in (None, "", [])
            for name in (
                "age_min",
                "age_max",
                "concerns_any",
                "concerns_all",
                "screening_tool",
                "screening_results",
                "urgency",
                "in_care",
                "completing_care",
            )
        )
        if data.get("otherwise") and criteria_given:
            self.add_error(None, _("An 'otherwise' transition has no criteria: clear them or untick it."))
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The age range must end after it starts."))
        tool, results = data.get("screening_tool"), data.get("screening_results") or []
        if results and not tool:
            self.add_error("screening_tool", _("Choose the tool these results come from."))
        wrong = [r for r in results if tool and not r.startswith(f"{tool}:")]
        if wrong:
            self.add_error("screening_results", _("Choose only results of the chosen tool."))
        if tool and not results:
            self.add_error("screening_results", _("Choose at least one result of the tool."))
        return data

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        age = None
        if data.get("age_min") is not None or data.get("age_max") is not None:
            age = AgeRange(
                data.get("age_min") or 0, MAX_MONTHS if data.get("age_max") is None else data["age_max"]
            )
        flag = {"yes": True, "no": False}
        return Criteria(
            age=age,
            concerns_any=tuple(data.get("concerns_any") or ()),
            concerns_all=tuple(data.get("concerns_all") or ()),
            screening_tool=data.get("screening_tool") or None,
            screening_results=tuple(r.split(":", 1)[1] for r in data.get("screening_results") or ()),
            urgency=tuple(u for u in URGENCIES if u in (data.get("urgency") or ())),
            in_care=flag.get(data.get("in_care") or ""),
            completing_care=flag.get(data.get("completing_care") or ""),
        )

    def transition_data(self) -> dict[str, Any]:
        """The cleaned transition as the service takes it (criteria as the pathway JSON writes them)."""
        data = self.cleaned_data
        otherwise = bool(data["otherwise"])
        return {
            "to_key": data["to"],
            "otherwise": otherwise,
            "criteria": {} if otherwise else self.criteria().to_dict(),
            "label_en": data["label_en"],
            "label_fr": data["label_fr"],
        }

    @staticmethod
    def initial_for(transition: Any) -> dict[str, Any]:
        criteria = Criteria.from_dict(transition.criteria)
        back = {True: "yes", False: "no", None: ""}
        return {
            "to": transition.to_key,
            "otherwise": transition.otherwise,
            "label_en": transition.label_en or "",
            "label_fr": transition.label_fr or "",
            "age_min": criteria.age.min if criteria.age else None,
            "age_max": criteria.age.max if criteria.age else None,
            "concerns_any": list(criteria.concerns_any),
            "concerns_all": list(criteria.concerns_all),
            "screening_tool": criteria.screening_tool or "",
            "screening_results": [f"{criteria.screening_tool}:{r}" for r in criteria.screening_results],
            "urgency": list(criteria.urgency),
            "in_care": back[criteria.in_care],
            "completing_care": back[criteria.completing_care],
        }


class ReviewForm(forms.Form):
    deadline = forms.DateField(label=_("Comments wanted by"), widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(
        label=_("Message to reviewers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return deadline


class InviteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        initial="commenter",  # an untouched extra row stays empty
        choices=[("commenter", _("Comments")), ("approver", _("Comments and approves"))],
    )


class BaseInviteeFormSet(forms.BaseFormSet):
    """The people typed in (any number of rows: *More rows* adds three)."""


InviteeFormSet = forms.formset_factory(
    InviteeForm, formset=BaseInviteeFormSet, extra=3, max_num=200, validate_max=True, absolute_max=200
)

NOT_INVITED = ""


class MemberInviteForm(forms.Form):
    """The people at the table, each invited or not, as a commenter or an approver."""

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {f"member_{m.pk}": m for m in members}
        for name, user in self.members.items():
            self.fields[name] = forms.ChoiceField(
                label=user.get_full_name() or user.username,
                required=False,
                choices=[
                    (NOT_INVITED, _("Not invited")),
                    ("commenter", _("Comments")),
                    ("approver", _("Comments and approves")),
                ],
                help_text=user.email,
            )

    def invitees(self) -> list[dict[str, str]]:
        return [
            {
                "name": user.get_full_name() or user.username,
                "email": user.email,
                "role": self.cleaned_data[name],
            }
            for name, user in self.members.items()
            if self.cleaned_data.get(name)
        ]


def check_invitees(people: list[dict[str, str]]) -> str | None:
    """What is wrong with the people invited, all told (at the table and typed in), or None."""
    if not people:
        return str(_("Invite at least one person: pick people at the table or type their names."))
    if not any(person.get("role") == "approver" for person in people):
        return str(
            _("Name at least one approver: the version is published once every approver has approved it.")
        )
    return None


class CommentForm(forms.Form):
    step = forms.SlugField(widget=forms.HiddenInput, required=False)  # blank: the pathway as a whole
    about = forms.SlugField(required=False)  # a transition's next step: the comment is about the way on
    text = forms.CharField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolve = forms.BooleanField(label=_("Resolved"), required=False)


class ApprovalForm(forms.Form):
    note = forms.CharField(
        label=_("Note with your approval (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublishWithoutReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Why publish without review?"),
        max_length=PUBLISH_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The reason is kept with the version and shown in its history to the table, with your name and the "
            "date."
        ),
    )


class FeedbackForm(forms.Form):
    """A reader's feedback on the published pathway: about the whole or one step."""

    step = forms.ChoiceField(label=_("About"), required=False)
    text = forms.CharField(
        label=_("Your feedback"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is missing, wrong or unclear, and what would help. Do not write about a child."),
    )
    reply_email = forms.EmailField(
        label=_("Your e-mail, if you would like an answer"),
        required=False,
        help_text=_("Only the table's facilitators see it."),
    )

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("The pathway as a whole")), *steps]


class CloseFeedbackForm(forms.Form):
    note = forms.CharField(
        label=_("What the table did"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
