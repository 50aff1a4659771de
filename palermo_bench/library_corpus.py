"""A synthetic library for ``palermo bench``: N publications with titles and summaries drawn
from a Zipf-distributed vocabulary (the sector's words and invented ones), authors, years,
categories, languages, countries and regions — inserted with a bare ``executemany`` (the
search index follows by the migration's triggers, as for any insert) — and the queries
readers type: words of a remembered title, a topic and a place, one word.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable

import numpy as np
from django.core.management.color import no_style
from django.db import connection, transaction

from palermo.learning.models import Place, Publication, PublicationPlace

CHUNK = 5_000
DOMAIN = """trafficking labour exploitation victims survivors reintegration shelter
prosecution prevention protection assistance migration smuggling border police judiciary
evaluation monitoring indicators baseline outcome impact sustainability efficiency relevance
coherence effectiveness referral mechanism hotline awareness campaign training capacity
legislation policy coordination partnership donor government ministry civil society
children women girls boys men families community livelihoods vocational microcredit return
repatriation counselling psychosocial medical legal aid identification screening interview
recruitment debt bondage forced marriage begging domestic servitude fishing construction
agriculture garment mining sexual organ removal online recruitment agencies employers
supply chains due diligence corporate responsibility data collection research survey
prevalence estimation methodology qualitative quantitative randomised trial cohort case
study guidelines handbook toolkit manual curriculum standard operating procedures
safeguarding consent confidentiality ethics gender age disability displacement refugees
asylum humanitarian emergency conflict disaster climate urban rural regional national
international cooperation networks""".split()
COUNTRIES = ["Nigeria", "Ghana", "Kenya", "Ethiopia", "Uganda", "Senegal", "Niger", "Mali",
             "Kyrgyzstan", "Uzbekistan", "Tajikistan", "Kazakhstan", "Ukraine", "Moldova",
             "Romania", "Bulgaria", "Albania", "Serbia", "Norway", "Sweden", "Italy",
             "Spain", "Germany", "United Kingdom", "Turkey", "Russia", "Bangladesh",
             "Nepal", "India", "Pakistan", "Thailand", "Cambodia", "Viet Nam", "Myanmar",
             "Indonesia", "Philippines", "Malaysia", "Brazil", "Mexico", "Guatemala",
             "Honduras", "Colombia", "Peru", "Haiti", "United States", "Canada",
             "Saudi Arabia", "United Arab Emirates", "Qatar", "Lebanon", "Jordan", "Egypt",
             "Libya", "Morocco", "South Africa", "Mozambique", "Zimbabwe", "Afghanistan"]
REGIONS = ["Worldwide", "West Africa", "East Africa", "Horn Of Africa", "Southern Africa",
           "North Africa", "Middle East", "Central Asia", "South Asia", "South-East Asia",
           "Eastern Europe", "Western Europe", "South-East Europe", "Latin America",
           "Caribbean", "North America"]
CATEGORIES = (["Monitoring And Evaluation", "Research", "Guidelines", "Training",
               "Policy", "Legislation", "Direct Assistance", "Prevention", "Data",
               "Advocacy", "Labour Migration", "Child Protection"],
              [0.14, 0.16, 0.1, 0.1, 0.08, 0.06, 0.1, 0.08, 0.06, 0.04, 0.04, 0.04])
LANGUAGES = (["English", "French", "Spanish", "Russian"], [0.8, 0.1, 0.05, 0.05])
GIVEN = ["Anne", "Rebecca", "Mike", "Katharine", "Todd", "Rakeb", "Liliana", "Phil",
         "Jacqueline", "Subuhi", "Thomas", "Nurlan", "Aigerim", "Chiamaka", "Oksana"]
FAMILY = ["Gallagher", "Surtees", "Dottridge", "Bryant", "Landman", "Messele", "Sorrentino",
          "Okafor", "Asanova", "Ivanova", "Kowalska", "Nguyen", "Haddad", "Mensah"]
VOCABULARY = 6_000


def _vocabulary(rng: random.Random) -> list[str]:
    """The sector's words spread over the frequency ranks, the rest invented words."""
    syllables = ["ka", "ro", "mi", "te", "lu", "sa", "no", "vi", "de", "ba", "zo", "ri",
                 "pe", "fa", "gu", "lo", "ne", "ta", "shi", "an", "el", "or", "um", "is"]
    invented = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
                for _ in range(VOCABULARY * 2)}
    words = sorted(invented - set(DOMAIN))[:VOCABULARY - len(DOMAIN)]
    rng.shuffle(words)
    for i, word in enumerate(DOMAIN):  # ranks 10, 40, 70 …: common to rare
        words.insert(min(10 + i * 30, len(words)), word)
    return words


def _zipf(n: int) -> np.ndarray:
    weights = 1.0 / (np.arange(n) + 2.7) ** 1.05
    return weights / weights.sum()


def _texts(rng: np.random.Generator, words: np.ndarray, weights: np.ndarray,
           lengths: np.ndarray) -> list[str]:
    drawn = words[rng.choice(len(words), size=int(lengths.sum()), p=weights)]
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    return [" ".join(drawn[a:b]) for a, b in itertools.pairwise(bounds)]


def _pick(rng: np.random.Generator, options, n: int) -> np.ndarray:
    values, weights = options
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=weights)]


def seed_publications(n: int, organisation_ids: list[int], *, seed: int = 18,
                      progress: Callable[[int], None] | None = None) -> list[str]:
    """Insert *n* synthetic publications (and their places) with a bare ``executemany``;
    returns the vocabulary, most frequent first."""
    pyrng, rng = random.Random(seed), np.random.default_rng(seed)
    vocabulary = _vocabulary(pyrng)
    words, weights = np.asarray(vocabulary, dtype=object), _zipf(len(vocabulary))
    start_id = (Publication.objects.order_by("-pk").values_list("pk", flat=True).first()
                or 0) + 1
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    pub_sql = ("INSERT INTO learning_publication (id, organisation_id, title, summary, "
               "authors, year, category, language, link, added, changed) VALUES "
               "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    place_sql = ("INSERT INTO learning_publicationplace (publication_id, kind, name, "
                 "position) VALUES (%s, %s, %s, %s)")
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in range(0, n, CHUNK):
            size = min(CHUNK, n - chunk)
            titles = _texts(rng, words, weights, rng.integers(5, 13, size))
            summaries = _texts(rng, words, weights, rng.integers(60, 180, size))
            years = np.clip(np.round(rng.normal(2014, 6, size)), 1995, 2025).astype(int)
            categories = _pick(rng, CATEGORIES, size)
            languages = _pick(rng, LANGUAGES, size)
            rows, places = [], []
            for i in range(size):
                pk = start_id + chunk + i
                countries = pyrng.sample(COUNTRIES, pyrng.choice([1, 1, 2]))
                summary = f"{summaries[i].capitalize()} in {' and '.join(countries)}."
                authors = "\n".join(f"{pyrng.choice(GIVEN)} {pyrng.choice(FAMILY)}"
                                    for _ in range(pyrng.randint(1, 3)))
                rows.append((pk, pyrng.choice(organisation_ids), titles[i].capitalize(),
                             summary, authors, int(years[i]),
                             categories[i], languages[i], f"https://example.org/pub/{pk}",
                             now, now))
                for position, country in enumerate(countries):
                    places.append((pk, Place.COUNTRY.value, country, position))
                places.append((pk, Place.REGION.value, pyrng.choice(REGIONS), 0))
            cursor.executemany(pub_sql, rows)
            cursor.executemany(place_sql, places)
            if progress:
                progress(size)
        for statement in connection.ops.sequence_reset_sql(no_style(),
                                                           [Publication, PublicationPlace]):
            cursor.execute(statement)
    return vocabulary


def reader_queries(vocabulary: list[str], count: int, *, seed: int = 4) -> list[str]:
    """What readers type: two or three words of a title they remember (a third of the
    queries), a topic and a place, or one topic word; common words (the 30 most frequent)
    are never the whole query, as nobody searches a trafficking library for "trafficking"."""
    rng = random.Random(seed)
    ids = list(Publication.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(count, len(ids)))
    titles = [t for _pk, t in sorted(Publication.objects.filter(pk__in=chosen)
                                     .values_list("pk", "title"))]
    common = set(vocabulary[:30])
    topical = [w for w in DOMAIN if w not in common]
    queries = []
    for i in range(count):
        kind = i % 3
        if kind == 0 and titles:
            words = [w for w in titles[i % len(titles)].lower().split() if w not in common]
            queries.append(" ".join(rng.sample(words, min(len(words), rng.choice([2, 3]))))
                           or rng.choice(topical))
        elif kind == 1:
            queries.append(f"{rng.choice(topical)} {rng.choice(COUNTRIES)}")
        else:
            queries.append(rng.choice(topical))
    return queries
