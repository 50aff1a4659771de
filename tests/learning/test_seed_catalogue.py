"""Seed 004's catalogue text, parsed: ten publications with their places, authors and years;
a text of another shape is refused with the line named."""

from __future__ import annotations

import pytest

from palermo.learning.seed_catalogue import CatalogueTextError, parse, seed_catalogue


def test_the_shipped_text_holds_seed_004s_ten_entries():
    parsed = seed_catalogue()
    assert parsed.heading == "Monitoring And Evaluation"
    assert len(parsed.entries) == 10
    first, desk = parsed.entries[0], parsed.entries[5]
    assert first["title"] == ("Combatting Human Trafficking Since Palermo: What Do We Know "
                              "about What Works?")
    assert first["summary"].startswith("In 2016, there were an estimated 40.3 million")
    assert first["authors"] == ["Katharine Bryant", "Todd Landman"]
    assert (first["year"], first["countries"], first["regions"]) == (2020, ["Worldwide"],
                                                                     ["Worldwide"])
    assert first["category"] == "Monitoring And Evaluation" and first["language"] == "English"
    assert desk["countries"] == ["Ethiopia"]
    assert desk["regions"] == ["East Africa", "Horn Of Africa"]
    assert desk["authors"] == ["Rakeb Messele", "Mebratu Gebeyehu Consultants For AU/IGAD/IOM"]
    assert desk["line"] == 63
    assert [e["year"] for e in parsed.entries] == [2020, 2019, 2014, 2019, 2012, 2012, None,
                                                  2008, None, 2019]
    assert parsed.entries[6]["regions"] == ["Asia", "Pacific"]
    assert all(e["summary"] for e in parsed.entries)


def test_a_named_category_is_kept():
    text = ("Heading\n\nA title\n\nA summary.\nCategory\nResearch\nYear\n2001\n")
    (entry,) = parse(text).entries
    assert entry["category"] == "Research" and entry["year"] == 2001


@pytest.mark.parametrize("text, line", [
    ("Heading\n\nA title\n\nA summary.\nYear\n20x1\n", 7),
    ("Heading\n\nA title\n\nA summary.\nYear\n2001\n\nOrphan title\n", 9),
    ("Just some text\n\nwithout labels\n", 1),
])
def test_a_text_of_another_shape_names_the_line(text, line):
    with pytest.raises(CatalogueTextError, match=rf"^line {line}:"):
        parse(text)
