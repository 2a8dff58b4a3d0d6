"""The site's template helpers: breadcrumbs (``{% crumbs %}``) and the form include (``includes/fields.html``)."""

import re

from django import forms
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    html = Template("{% load carepath %}" + source).render(Context(context))
    return re.sub(r">\s+<", "><", html).strip()


def test_breadcrumbs_link_each_pair_and_end_on_the_current_page():
    html = render(
        '{% crumbs "Communities" "/en/communities/" name "/en/communities/north-shore/" "Import" %}',
        name="North <Shore>",
    )
    assert html == (
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>'
        '<li><a href="/en/communities/">Communities</a></li>'
        '<li><a href="/en/communities/north-shore/">North &lt;Shore&gt;</a></li>'
        '<li aria-current="page">Import</li></ol></nav>'
    )


def test_breadcrumbs_without_a_current_page_end_on_their_last_link():
    html = render(
        '{% crumbs "Communities" "/en/communities/" "North Shore" "/en/communities/north-shore/" %}'
    )
    assert "aria-current" not in html
    assert html.endswith('<li><a href="/en/communities/north-shore/">North Shore</a></li></ol></nav>')


def test_breadcrumbs_leave_out_a_crumb_whose_label_is_empty():
    html = render('{% crumbs "Communities" "/en/communities/" entry.service.name %}', entry=None)
    assert html == (
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/en/communities/">Communities</a></li>'
        "</ol></nav>"
    )


def test_breadcrumbs_speak_the_page_language():
    with translation.override("fr"):
        html = render('{% crumbs _("Communities") "/fr/communities/" _("Import") %}')
    assert html == (
        '<nav class="breadcrumbs" aria-label="Fil d\'Ariane"><ol><li><a href="/fr/communities/">Communautés</a></li>'
        '<li aria-current="page">Importer</li></ol></nav>'
    )


class Edit(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=3)
    name = forms.CharField(label="Name", help_text="As people know it.")


def test_fields_include_posts_hidden_fields_bare_and_the_rest_through_the_field_template():
    html = render('{% include "includes/fields.html" %}', form=Edit())
    assert html.startswith(
        '<input type="hidden" name="revision" value="3" id="id_revision"><div class="field">'
    )
    assert html.count("<label") == 1  # the hidden input has none
    assert 'aria-describedby="id_name_helptext"' in html and 'id="id_name_helptext"' in html


def test_fields_include_puts_the_visible_fields_in_two_columns_when_asked():
    html = render('{% include "includes/fields.html" with two_col=True %}', form=Edit())
    assert re.fullmatch(
        r'<input type="hidden"[^>]*><div class="two-col"><div class="field">.*</div></div>', html
    )


class Choices(forms.Form):
    people = forms.MultipleChoiceField(
        label="People who answer",
        choices=[("lena", "Lena"), ("sam", "Sam")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Each answers alone.",
    )


def test_a_group_of_check_boxes_is_a_fieldset_named_by_its_legend():
    html = render('{% include "includes/field.html" with field=form.people %}', form=Choices())
    assert html.startswith(
        '<div class="field"><fieldset aria-describedby="id_people_helptext">'
        '<legend>People who answer <span aria-hidden="true">*</span>'
        '<span class="visually-hidden">(required)</span></legend>'
    )
    assert 'for=""' not in html
    assert re.findall(r'<label for="(id_people_\d)">', html) == ["id_people_0", "id_people_1"]
    assert '<p class="help" id="id_people_helptext">Each answers alone.</p>' in html


def test_language_name_names_a_code_in_the_page_language():
    template = Template("{% load carepath %}{{ code|language_name|capfirst }}, {{ other|language_name }}")
    assert template.render(Context({"code": "ar", "other": "tl"})) == "Arabic, Tagalog"
    with translation.override("fr"):
        assert template.render(Context({"code": "ar", "other": "cr"})) == "Arabe, cri"
