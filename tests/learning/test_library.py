"""The library's write path and the policy over it: who catalogues and corrects what, the
checks on every field, the kept file."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core import access
from palermo.core.access import Action
from palermo.learning import library
from palermo.learning.models import Publication

ENTRY = {"title": "  Handbook  on\tdirect assistance ", "authors": "IOM\n\nJane Doe",
         "year": "2007", "countries": "Nigeria; nigeria; Ghana", "regions": ["West Africa"],
         "link": "https://example.org/handbook"}

# persona -> (catalogue, correct NGO A's entry, correct NGO B's entry)
WRITES = {"amina": (False, False, False), "fatima": (False, False, False),
          "boris": (False, False, False), "emre": (True, True, False),
          "chen": (False, False, False), "dana": (False, False, False),
          "root": (True, True, True)}


@pytest.mark.parametrize("name", WRITES)
def test_who_catalogues_and_corrects(cast, seeded, ngo_b_entry, name):
    member = cast.membership(name)
    create, own, other = WRITES[name]
    ngo_a_entry = next(iter(seeded.values()))
    assert access.can(member, Action.CREATE, Publication) is create
    assert access.can(member, Action.CHANGE, ngo_a_entry) is own
    assert access.can(member, Action.CHANGE, ngo_b_entry) is other
    assert access.can(member, Action.VIEW, ngo_b_entry)
    if create:
        saved = library.save_publication(member, ENTRY)
        assert saved.organisation_id == member.organisation_id
    else:
        with pytest.raises(PermissionDenied):
            library.save_publication(member, ENTRY)
    values = library.values_of(ngo_b_entry) | {"title": "Changed"}
    if other:
        library.save_publication(member, values, ngo_b_entry)
    else:
        with pytest.raises(PermissionDenied):
            library.save_publication(member, values, ngo_b_entry)
        assert Publication.objects.get(pk=ngo_b_entry.pk).title != "Changed"


def test_fields_are_normalised(cast):
    saved = library.save_publication(cast.emre, ENTRY)
    assert saved.title == "Handbook on direct assistance"
    assert saved.author_list() == ["IOM", "Jane Doe"] and saved.year == 2007
    assert saved.countries() == ["Nigeria", "Ghana"] and saved.regions() == ["West Africa"]
    assert saved.history.first().history_user == cast.emre.user


@pytest.mark.parametrize("change, field", [
    ({"title": " "}, "title"), ({"year": "1799"}, "year"), ({"year": "soon"}, "year"),
    ({"link": "javascript:alert(1)"}, "link"), ({"title": "x" * 501}, "title"),
    ({"countries": ["y" * 201]}, "countries")])
def test_a_bad_field_is_refused_by_name_and_nothing_saved(cast, change, field):
    with pytest.raises(ValidationError) as refused:
        library.save_publication(cast.emre, {**ENTRY, **change})
    assert field in refused.value.message_dict
    assert not Publication.objects.exists()


def test_a_file_is_kept_only_if_it_is_a_document(cast, ngo_b_entry, ngo_b_me):
    publication = library.save_publication(cast.emre, ENTRY)
    stored = library.attach_file(cast.emre, publication, "C:\\docs\\handbook.PDF", b"%PDF-1")
    assert (stored.name, stored.content_type, stored.size) == ("handbook.PDF",
                                                               "application/pdf", 6)
    assert bytes(library.file_of(cast.dana, publication).content) == b"%PDF-1"
    for name, content in (("page.html", b"<script>"), ("x.svg", b"<svg/>"), ("x.pdf", b"")):
        with pytest.raises(ValidationError):
            library.attach_file(cast.emre, publication, name, content)
    with pytest.raises(PermissionDenied):
        library.attach_file(cast.emre, ngo_b_entry, "a.pdf", b"%PDF")
    with pytest.raises(ValidationError):
        library.attach_file(cast.emre, publication, "big.pdf",
                            b"0" * (library.MAX_FILE_BYTES + 1))
