"""carepath.concurrency, the shared mechanism against lost updates: revisions, the lock and check, the
message (who and when, in both languages), and the form mixin."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.db import transaction
from django.utils import translation

from carepath import audit, concurrency
from carepath.practices.models import RegistryPage

pytestmark = pytest.mark.django_db

CHANGED = "Someone else changed the page since you opened it: %(who)s, %(when)s."


@pytest.mark.parametrize(
    ("moment", "english", "french"),
    [
        (
            datetime.datetime(2026, 12, 1, 19, 27, tzinfo=datetime.UTC),
            "1 December 2026 at 14:27",
            "1er décembre 2026 à 14\u00a0h\u00a027",
        ),
        (
            datetime.datetime(2026, 7, 9, 13, 5, tzinfo=datetime.UTC),
            "9 July 2026 at 9:05",
            "9 juillet 2026 à 9\u00a0h\u00a005",
        ),
    ],
)
def test_moments_read_as_people_write_them_in_toronto(moment, english, french):
    assert concurrency.moment(moment) == english
    with translation.override("fr"):
        assert concurrency.moment(moment) == french


def _page(revision: int = 0) -> RegistryPage:
    return RegistryPage.objects.create(purpose_en="Purpose", purpose_fr="Raison d'être", revision=revision)


@pytest.mark.django_db(transaction=True)
def test_lock_refuses_outside_a_transaction():
    page = _page()
    with pytest.raises(RuntimeError):
        concurrency.lock(RegistryPage.objects.all(), page.pk, 0)


def test_bump_counts_in_the_database_and_the_refusal_names_the_change_of_that_revision(admin_user):
    page = _page()
    with transaction.atomic():
        concurrency.lock(RegistryPage.objects.all(), page.pk, 0)
        audit.record(actor=admin_user, action="test.save", target=page, revision=concurrency.bump(page))
    audit.record(actor=None, action="test.note", target=page)  # a later entry that changed nothing
    assert (page.revision, RegistryPage.objects.get(pk=page.pk).revision) == (1, 1)
    with transaction.atomic(), pytest.raises(concurrency.StaleEditError) as stale:
        concurrency.lock(RegistryPage.objects.all(), page.pk, 0, changed=CHANGED)
    assert (stale.value.who, stale.value.revision) == ("siteadmin", 1)
    assert str(stale.value).startswith("Someone else changed the page since you opened it: siteadmin, ")


def test_without_an_audit_entry_the_refusal_still_says_what_happened():
    page = _page(revision=3)
    with transaction.atomic(), pytest.raises(concurrency.StaleEditError) as stale:
        concurrency.lock(RegistryPage.objects.all(), page.pk, 2, changed=CHANGED)
    assert (stale.value.who, stale.value.when) == (None, None)
    assert str(stale.value) == (
        "Someone else changed this record since you opened it. Your changes are below; check them and save again."
    )
    with transaction.atomic(), pytest.raises(concurrency.StaleEditError) as gone:
        concurrency.lock(RegistryPage.objects.all(), page.pk + 1, 2)
    assert gone.value.removed is True
    assert gone.value.reason == "Someone else removed this record since you opened it."


def test_a_change_made_without_a_person_is_named_as_such():
    page = _page()
    audit.record(actor=None, action="test.save", target=page, revision=concurrency.bump(page))
    with transaction.atomic(), pytest.raises(concurrency.StaleEditError) as stale:
        concurrency.lock(RegistryPage.objects.all(), page.pk, 0, changed=CHANGED)
    assert stale.value.who == "an automatic task"


def test_no_revision_means_write_over_the_latest():
    page = _page(revision=5)
    with transaction.atomic():
        assert concurrency.lock(RegistryPage.objects.all(), page.pk, None) == page


class PageForm(concurrency.RevisionFormMixin, forms.Form):
    purpose = forms.CharField()


def test_the_form_carries_the_revision_keeps_it_out_of_the_data_and_takes_a_refusal():
    assert PageForm(revision=4)["revision"].value() == 4
    form = PageForm({"purpose": "Mine", "revision": "4"}, revision=4)
    assert form.is_valid()
    assert (form.revision, form.cleaned_data) == (4, {"purpose": "Mine"})
    refusal = concurrency.StaleEditError(message=CHANGED, who="Fay", when=None, revision=6)
    form.stale(refusal)
    assert not form.is_valid()
    assert form.non_field_errors() == [str(refusal)]
    assert (form["purpose"].value(), form["revision"].value()) == ("Mine", "6")


def test_a_form_for_a_record_that_exists_must_post_its_revision_and_a_new_one_need_not():
    for posted in ({"purpose": "Mine"}, {"purpose": "Mine", "revision": "x"}):
        form = PageForm(posted, revision=2)
        assert not form.is_valid()
        assert form.errors == {"__all__": [str(concurrency.NO_REVISION)]}
        assert form["revision"].value() == "2"
    assert PageForm({"purpose": "New"}).is_valid()
    button = concurrency.RevisionForm({}, revision=2)
    assert button.is_valid() and button.revision is None
