"""The learning app's records: the resource library (publications, their places and files)
and lessons learned with their themes.

Both publications and lessons are searched by :mod:`palermo.learning.search` (``full_text``);
their ``search_vector`` column serves PostgreSQL only and is computed by a database trigger
(migration 0002); on SQLite it stays empty and an FTS5 table indexes the same columns.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.learning.search import FullText

# Not kept in the history tables: computed by the database, and bookkeeping.
UNTRACKED = ["search_vector", "changed"]


class Publication(models.Model):
    """A publication in the resource library: a report, handbook, article or toolkit,
    described as in the catalogue it came from, with a link or a file. The organisation that
    catalogued it owns the entry; every member may read the library (docs/access.md)."""

    access_kind = "library"
    access_owner = "organisation"
    full_text = FullText(table="learning_publication_fts",
                         columns=("title", "authors", "summary"),
                         weights=(10.0, 4.0, 1.0), snippet="summary")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="publications")
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    authors = models.TextField(_("authors"), blank=True,
                               help_text=_("One author (person or organisation) per line."))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=100, blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    added = models.DateTimeField(auto_now_add=True)
    changed = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=UNTRACKED)

    class Meta:
        indexes = [models.Index(fields=["year", "id"], name="learning_pub_year"),
                   models.Index(fields=["category", "id"], name="learning_pub_category"),
                   models.Index(fields=["organisation", "id"], name="learning_pub_org")]

    def __str__(self) -> str:
        return self.title

    def author_list(self) -> list[str]:
        """The authors, one per line as stored."""
        return [a for a in self.authors.splitlines() if a.strip()]

    def place_names(self, kind: str) -> list[str]:
        """The countries or regions (*kind*) in the catalogue's order."""
        return [p.name for p in sorted(self.places.all(), key=lambda p: p.position)
                if p.kind == kind]

    def countries(self) -> list[str]:
        return self.place_names(Place.COUNTRY)

    def regions(self) -> list[str]:
        return self.place_names(Place.REGION)


class Place(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")


class PublicationPlace(models.Model):
    """A country or region a publication is about, as the catalogue names it ("Worldwide",
    "Horn Of Africa"): a publication may have several, and the facet counts count them."""

    access_kind = "library"
    access_owner = "publication__organisation"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE,
                                    related_name="places")
    kind = models.CharField(max_length=10, choices=Place.choices)
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "kind", "name"],
                                               name="learning_place_once")]
        indexes = [models.Index(fields=["kind", "name", "publication"],
                                name="learning_place_facet")]

    def __str__(self) -> str:
        return self.name


class PublicationFile(models.Model):
    """The document itself, when the library keeps a copy (at most
    :data:`palermo.learning.library.MAX_FILE_BYTES`). Served only as a download."""

    access_kind = "library"
    access_owner = "publication__organisation"

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE,
                                       related_name="document")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    added = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A theme lessons are filed under ("referral", "sustainability"): one shared list,
    extended when an M&E officer files a lesson under a new theme."""

    name = models.CharField(_("theme"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Polarity(models.TextChoices):
    """Rec. 28 of the Norad evaluation: document lessons "even when experiences are
    negative", so that they are not repeated."""

    POSITIVE = "positive", _("Positive: worked, worth repeating")
    NEGATIVE = "negative", _("Negative: did not work, avoid repeating")


class Lesson(models.Model):
    """A lesson learned: a short statement, whether it is positive or negative, the themes it
    belongs to and the evidence it rests on (a text, and publications of the library).

    ``project`` is a nullable generic reference: the programmes app (built in parallel) will
    point it at a project; until then it stays empty (docs/learning.md, "Follow-ups")."""

    access_kind = "lesson"
    access_owner = "organisation"
    full_text = FullText(table="learning_lesson_fts",
                         columns=("title", "description", "evidence"),
                         weights=(10.0, 2.0, 1.0), snippet="description")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="lessons")
    title = models.CharField(_("lesson"), max_length=300,
                             help_text=_("The lesson in one sentence."))
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("What happened and what to do next time."))
    polarity = models.CharField(_("positive or negative"), max_length=10,
                                choices=Polarity.choices)
    evidence = models.TextField(_("evidence"),
                                help_text=_("What the lesson rests on: an evaluation, "
                                            "monitoring data, interviews, a review."))
    year = models.PositiveSmallIntegerField(_("year learned"), null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="lessons",
                                    verbose_name=_("themes"))
    sources = models.ManyToManyField(Publication, blank=True, related_name="lessons",
                                     verbose_name=_("publications in the library"))
    project_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    project_id = models.PositiveBigIntegerField(null=True, blank=True)
    project = GenericForeignKey("project_type", "project_id")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded = models.DateTimeField(auto_now_add=True)
    changed = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=UNTRACKED)

    class Meta:
        indexes = [models.Index(fields=["organisation", "id"], name="learning_lesson_org"),
                   models.Index(fields=["project_type", "project_id"],
                                name="learning_lesson_project")]

    def __str__(self) -> str:
        return self.title
