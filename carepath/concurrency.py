"""No lost updates: an edit form carries the revision its record was read at, and the service refuses a
stale save, saying who changed the record and when, while the form keeps what the person typed.

The pieces
----------
- ``revision_field()`` on the model: an integer, 0 when the record is made, moved only by ``bump()``.
- ``RevisionFormMixin`` on the form: a hidden ``revision`` input. A ``ModelForm`` reads it from its instance;
  a plain ``Form`` takes ``revision=record.revision``. ``form.revision`` is the number posted back (``None``
  for a new record), and ``form.stale(error)`` puts the refusal on the form, keeps the posted input and
  carries the current revision, so that saving again (after checking) goes through.
- ``lock(queryset, pk, revision, changed=..., removed=...)`` in the service, inside ``transaction.atomic``:
  locks and reads the row again (``select_for_update``) and raises ``StaleEditError`` when its revision is
  not the one the form was read at, or when the row is gone. ``revision=None`` skips the comparison (a new
  record, or a caller such as a command that means to write over the latest).
- ``bump(record)`` after the change: ``revision = F("revision") + 1`` in the database, and returns the new
  number; write it into the audit entry (``revision=...``) so a refusal names exactly who made that change
  and when (the latest ``AuditEntry`` of the record with that revision; else its latest entry).
- ``StaleEditError``: ``who``, ``when``, ``revision`` (the current one) and ``removed``; ``reason`` says
  what happened, who and when, and ``str()`` adds what a form does about it (your changes are below...).
- ``RevisionForm``: a form with nothing but the hidden revision, for buttons that change or remove a record
  (``RevisionForm(request.POST, revision=step.revision)``, then ``form.revision``).

Applying it to another form and service
---------------------------------------
Model (then ``makemigrations``)::

    revision = concurrency.revision_field()

Form::

    class ServiceForm(concurrency.RevisionFormMixin, forms.ModelForm): ...   # mixin first
    form = SettingsForm(request.POST or None, initial=..., revision=community.revision)  # plain Form

Service (takes cleaned data and an id, never a form; the messages are ``gettext_lazy`` at module level and
take ``%(who)s`` and ``%(when)s``)::

    SERVICE_CHANGED = _("Someone else changed this service since you opened it: %(who)s, %(when)s.")
    SERVICE_REMOVED = _("Someone else removed this service since you opened it: %(who)s, %(when)s.")

    @transaction.atomic
    def save_service(*, service_id, revision, data, actor):
        service = concurrency.lock(
            Service.objects.all(), service_id, revision, changed=SERVICE_CHANGED, removed=SERVICE_REMOVED
        )
        ...  # change and save the fields
        audit.record(actor=actor, action="directory.save_service", target=service,
                     revision=concurrency.bump(service))
        return service

View::

    if request.method == "POST" and form.is_valid():
        try:
            services.save_service(service_id=service.pk, revision=form.revision, data=form.cleaned_data,
                                  actor=request.user)
        except concurrency.StaleEditError as error:
            form.stale(error)          # the form is now invalid and shows the message first
            status = 409               # then render the form as for any invalid post
        else:
            return redirect(...)

Templates render ``{{ form.revision }}`` (a hidden input) inside the ``<form>`` (``includes/fields.html``, which
renders a whole form, puts its hidden fields in) and the form's non-field errors (``includes/form_errors.html``
does). ``cleaned_data`` never holds ``revision``. A form on a record that exists and posts no revision is
invalid, asking the person to check and save again (and then carries the current one). The audit entry must
target the record itself (``target=service``) for the refusal to find who changed it.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .errors import ServiceError
from .models import AuditEntry

R = TypeVar("R", bound=models.Model)

CHANGED = _("Someone else changed this record since you opened it.")
REMOVED = _("Someone else removed this record since you opened it.")
SAVE_AGAIN = _("Your changes are below; check them and save again.")
KEEP = _("Your changes are below, so that you can keep them.")
NO_REVISION = _(
    "This form does not say which version of the record it was opened at. "
    "Your changes are below; check them against the record and save again."
)


def revision_field() -> models.PositiveIntegerField[Any, Any]:
    """How many times the record was changed through its services; only ``bump()`` moves it."""
    return models.PositiveIntegerField(_("revision"), default=0, editable=False)


def moment(value: datetime.datetime) -> str:
    """A date and time as people read it: 1 December 2026 at 14:27, 1er décembre 2026 à 14 h 27."""
    local = timezone.localtime(value)
    # Translators: the first day of a month, as written in a date ("1er" in French).
    day = pgettext("first day of a month", "1") if local.day == 1 else str(local.day)
    return gettext("%(day)s %(month)s %(year)s at %(hour)s:%(minute)s") % {
        "day": day,
        "month": MONTHS[local.month],
        "year": local.year,
        "hour": local.hour,
        "minute": f"{local.minute:02d}",
    }


def _name(user: Any) -> str:
    if user is None:
        return gettext("an automatic task")
    return str(user.get_full_name() or user.get_username())


class StaleEditError(ServiceError):
    """A save refused because the record changed (or went) since the form was read.

    ``who`` and ``when`` come from the audit entry of that change (``None`` when there is none),
    ``revision`` is the record's current revision (``None`` when it was removed)."""

    def __init__(
        self,
        *,
        message: str | Promise,
        who: str | None,
        when: datetime.datetime | None,
        revision: int | None,
        removed: bool = False,
    ) -> None:
        self.message = message
        self.who = who
        self.when = when
        self.revision = revision
        self.removed = removed
        super().__init__(str(self))

    @property
    def reason(self) -> str:
        """What happened, who and when (one sentence); ``str()`` adds what the form does about it."""
        if self.who is not None and self.when is not None:
            return str(self.message) % {"who": self.who, "when": moment(self.when)}
        return str(REMOVED if self.removed else CHANGED)

    def __str__(self) -> str:
        return f"{self.reason} {KEEP if self.removed else SAVE_AGAIN}"


def _history(model: type[models.Model], pk: Any) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=model._meta.label_lower, target_id=str(pk)).select_related(
        "actor"
    )


def _last_change(model: type[models.Model], pk: Any, revision: int | None) -> AuditEntry | None:
    entries = _history(model, pk)
    if revision is not None:
        exact = entries.filter(data__revision=revision).first()
        if exact is not None:
            return exact
    return entries.first()


def _refuse(
    model: type[models.Model], pk: Any, *, revision: int | None, message: str | Promise, removed: bool
) -> StaleEditError:
    entry = _last_change(model, pk, revision)
    return StaleEditError(
        message=message,
        who=_name(entry.actor) if entry is not None else None,
        when=entry.at if entry is not None else None,
        revision=revision,
        removed=removed,
    )


def lock(
    queryset: models.QuerySet[R],
    pk: Any,
    revision: int | None,
    *,
    changed: str | Promise = CHANGED,
    removed: str | Promise = REMOVED,
) -> R:
    """The record, locked until the transaction ends and read again, if it is still at ``revision``.

    Raises ``StaleEditError`` with ``changed`` (or ``removed`` when the row is gone), messages that take
    ``%(who)s`` and ``%(when)s``. Call it inside ``transaction.atomic``."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise RuntimeError("concurrency.lock() must run inside transaction.atomic.")
    # Lock this row only (no row of a table the default ordering would join).
    record = queryset.select_for_update(of=("self",)).filter(pk=pk).order_by().first()
    if record is None:
        raise _refuse(queryset.model, pk, revision=None, message=removed, removed=True)
    current = record.revision  # type: ignore[attr-defined]
    if revision is not None and current != revision:
        raise _refuse(queryset.model, pk, revision=current, message=changed, removed=False)
    return record


def bump(record: models.Model) -> int:
    """Count one more change to the record, in the database; returns the new revision."""
    model = type(record)
    model._default_manager.filter(pk=record.pk).update(revision=F("revision") + 1)
    record.revision = model._default_manager.values_list("revision", flat=True).get(pk=record.pk)  # type: ignore[attr-defined]
    return int(record.revision)  # type: ignore[attr-defined]


class RevisionFormMixin:
    """A hidden ``revision`` input: the revision of the record the form was read at. Put it first in the
    bases (``class F(RevisionFormMixin, forms.ModelForm)``)."""

    fields: dict[str, forms.Field]
    data: Any
    instance: Any
    # An edit form of a record that exists must post its revision back (else the person is asked to check
    # and save again); a button (RevisionForm) without one acts on the record as it is.
    revision_required = True

    def __init__(self, *args: Any, revision: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if revision is None:
            instance = getattr(self, "instance", None)
            # A new record may already have its primary key (a UUID default): it has no revision yet.
            if instance is not None and instance.pk is not None and not instance._state.adding:
                revision = instance.revision
        self.read_at = revision
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0, initial=revision
        )

    @property
    def revision(self) -> int | None:
        """The revision posted back with the form (``None`` for a new record). It is kept out of
        ``cleaned_data``, which holds the record's own fields only."""
        return getattr(self, "_posted_revision", None)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        broken = self._errors.pop("revision", None) is not None  # type: ignore[attr-defined]
        posted = data.pop("revision", None)
        self._posted_revision = None if broken or posted is None else int(posted)
        if self.revision_required and self.read_at is not None and self._posted_revision is None:
            self.add_error(None, str(NO_REVISION))  # type: ignore[attr-defined]
            self._carry(self.read_at)
        return data

    def stale(self, error: StaleEditError) -> None:
        """Show the refusal on the form, keep the posted input, and carry the current revision."""
        self.add_error(None, str(error))  # type: ignore[attr-defined]
        if error.revision is not None:
            self._carry(error.revision)

    def _carry(self, revision: int) -> None:
        data = self.data.copy()
        data[self.add_prefix("revision")] = str(revision)  # type: ignore[attr-defined]
        self.data = data


class RevisionForm(RevisionFormMixin, forms.Form):
    """Nothing but the revision: for a button that changes or removes a record."""

    revision_required = False
