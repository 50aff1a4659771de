"""The fast select renders the same options as Django's, selection and escaping included."""

from __future__ import annotations

import re

from django import forms

from palermo.web.widgets import FastSelect, FastSelectMultiple, fast_selects

CHOICES = [("", "---------")] + [(f"C{i:03d}", f"Country <{i}> & co") for i in range(60)]


def _options(html: str) -> list[tuple[str, str, bool]]:
    return [(v, label, "selected" in attrs) for v, attrs, label in
            re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', html)]


def test_same_options_as_django():
    django_html = forms.Select(choices=CHOICES).render("country", "C007")
    fast_html = FastSelect(choices=CHOICES).render("country", "C007")
    assert _options(fast_html) == _options(django_html)
    assert "&lt;7&gt; &amp; co" in fast_html and '<select name="country"' in fast_html


def test_multiple_keeps_every_selection():
    html = FastSelectMultiple(choices=CHOICES, attrs={"size": 8}).render("c", ["C001", "C002"])
    assert [v for v, _label, chosen in _options(html) if chosen] == ["C001", "C002"]
    assert "multiple" in html and 'size="8"' in html


def test_fast_selects_replace_the_named_fields_with_given_choices():
    class Form(forms.Form):
        short = forms.ChoiceField(choices=CHOICES[:5])
        long = forms.ChoiceField(choices=[("x", "x")])

    form = Form()
    fast_selects(form, ["long"], CHOICES[1:])
    assert type(form.fields["short"].widget) is forms.Select
    assert type(form.fields["long"].widget) is FastSelect
    assert len(_options(str(form["long"]))) == 61  # the blank choice and the 60 given
