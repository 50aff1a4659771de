"""Forms of the learning pages: the library search, a publication, a catalogue file, a
lesson. Types and labels only; the rules are the domain's (palermo.learning)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.learning.catalogue import MAX_BYTES
from palermo.learning.lessons import LessonQuery
from palermo.learning.library import MAX_FILE_BYTES, LibraryQuery
from palermo.learning.models import Polarity

SEPARATED = _("Separate several with “;”.")


class LibrarySearchForm(forms.Form):
    """Words and the filters of the library page (GET: a search holds no personal data, and
    a link to it can be shared)."""

    q = forms.CharField(label=_("Search the library"), required=False, max_length=200,
                        help_text=_("All words must occur. \"a phrase\" in quotes, “or” "
                                    "between alternatives, -word to leave out."))
    region = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    country = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    year = forms.IntegerField(required=False, min_value=1, max_value=9999,
                              widget=forms.HiddenInput)
    category = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    language = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                              widget=forms.HiddenInput)

    def query(self) -> LibraryQuery:
        """The query asked; parameters that are not valid are left out."""
        self.is_valid()
        c = self.cleaned_data
        return LibraryQuery(text=c.get("q") or "", region=c.get("region") or "",
                            country=c.get("country") or "", year=c.get("year"),
                            category=c.get("category") or "", language=c.get("language") or "",
                            page=c.get("page") or 1)


class LessonSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the lessons"), required=False, max_length=200,
                        help_text=LibrarySearchForm.base_fields["q"].help_text)
    theme = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    polarity = forms.ChoiceField(required=False, choices=[("", "")] + Polarity.choices,
                                 widget=forms.HiddenInput)
    year = forms.IntegerField(required=False, min_value=1, max_value=9999,
                              widget=forms.HiddenInput)
    organisation = forms.IntegerField(required=False, min_value=1, max_value=2**31,
                                      widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                              widget=forms.HiddenInput)

    def query(self) -> LessonQuery:
        self.is_valid()
        c = self.cleaned_data
        return LessonQuery(text=c.get("q") or "", theme=c.get("theme") or "",
                           polarity=c.get("polarity") or "", year=c.get("year"),
                           organisation=c.get("organisation"), page=c.get("page") or 1)


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    authors = forms.CharField(label=_("Authors"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One author (person or organisation) per line."))
    year = forms.IntegerField(label=_("Year"), required=False)
    category = forms.CharField(label=_("Category"), required=False, max_length=200)
    language = forms.CharField(label=_("Language"), required=False, max_length=100)
    countries = forms.CharField(label=_("Countries"), required=False, help_text=SEPARATED)
    regions = forms.CharField(label=_("Regions"), required=False, help_text=SEPARATED)
    link = forms.CharField(label=_("Link"), required=False, max_length=1000,
                           help_text=_("Where the publication can be read (https://…)."))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("A copy of the document (PDF, Word, OpenDocument …), "
                                       "at most 20 MB."))

    def clean_file(self):
        """Refused before it is read when it is too large (the library says why)."""
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("A file of at most %(mb)s MB.") % {
                "mb": MAX_FILE_BYTES // (1024 * 1024)})
        return upload

    @staticmethod
    def initial_from(values: dict) -> dict:
        joined = {k: "; ".join(values[k]) for k in ("countries", "regions")}
        return {**values, **joined, "authors": "\n".join(values["authors"])}


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file"),
                           help_text=_("CSV or XLSX (one publication per row), RIS or BibTeX "
                                       "(as Zotero, EndNote and Mendeley export them)."))
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"),
                                 required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("A catalogue file of at most %(mb)s MB.") % {
                "mb": MAX_BYTES // (1024 * 1024)})
        return upload


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Lesson"), max_length=300,
                            help_text=_("The lesson in one sentence. Never name an assisted "
                                        "person."))
    polarity = forms.ChoiceField(label=_("Positive or negative"), choices=Polarity.choices,
                                 widget=forms.RadioSelect)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("What happened and what to do next time."))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("What the lesson rests on: an evaluation, "
                                           "monitoring data, interviews, a review."))
    sources = forms.CharField(label=_("Publications in the library"), required=False,
                              help_text=_("Their numbers (shown on each publication's page), "
                                          "separated by commas."))
    themes = forms.CharField(label=_("Themes"), required=False,
                             help_text=_("Separated by commas, e.g. “referral, "
                                         "sustainability”."))
    year = forms.IntegerField(label=_("Year learned"), required=False)

    def lesson_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["sources"] = [s.strip().lstrip("#") for s in
                             (values.get("sources") or "").split(",") if s.strip()]
        return values

    @staticmethod
    def initial_from(values: dict) -> dict:
        return {**values, "themes": ", ".join(values["themes"]),
                "sources": ", ".join(str(pk) for pk in values["sources"])}
