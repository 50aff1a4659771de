"""Field encryption: round trip, fresh nonces, tampering, blind indexes, ciphertext at rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from palermo.cases.models import Person
from palermo.core import crypto
from palermo.core.crypto import FieldDecryptionError, Keyring, KeyringError
from palermo.core.fields import BlindIndexField

RING = Keyring.parse(crypto.Keyring(b"i" * 32, (("k1", b"a" * 32),)).text())


@given(st.text())
def test_round_trip_any_text(text):
    assert RING.decrypt(RING.encrypt(text, "cases.Person.given_name"),
                        "cases.Person.given_name") == text


def test_each_value_gets_a_fresh_nonce():
    first = RING.encrypt("Adaeze", "ctx")
    second = RING.encrypt("Adaeze", "ctx")
    assert first != second
    assert first.startswith("v1.k1.")


@pytest.mark.parametrize("position", [8, 20, -3])
def test_tampered_ciphertext_raises_not_garbage(position):
    stored = RING.encrypt("Adaeze Okafor", "cases.Person.given_name")
    chars = list(stored)
    chars[position] = "A" if chars[position] != "A" else "B"
    with pytest.raises(FieldDecryptionError, match="failed authentication|not valid base64"):
        RING.decrypt("".join(chars), "cases.Person.given_name")


def test_ciphertext_moved_to_another_field_is_refused():
    stored = RING.encrypt("A12345678", "cases.Person.identity_number")
    with pytest.raises(FieldDecryptionError, match="cases.Person.phone"):
        RING.decrypt(stored, "cases.Person.phone")


def test_relabelled_key_id_is_refused():
    other = Keyring(b"i" * 32, (("k1", b"a" * 32), ("k2", b"a" * 32)))
    stored = other.encrypt("Adaeze", "ctx").replace(".k2.", ".k1.")
    with pytest.raises(FieldDecryptionError, match="failed authentication"):
        other.decrypt(stored, "ctx")


def test_without_the_key_the_value_cannot_be_read():
    stored = RING.encrypt("Adaeze", "ctx")
    stranger = Keyring(b"i" * 32, (("k1", b"b" * 32),))
    with pytest.raises(FieldDecryptionError):
        stranger.decrypt(stored, "ctx")
    missing = Keyring(b"i" * 32, (("k7", b"a" * 32),))
    with pytest.raises(FieldDecryptionError, match="key 'k1', which is not in the keyring"):
        missing.decrypt(stored, "ctx")


@pytest.mark.parametrize("text, message", [
    ("k1:" + "A" * 43, "no 'index' entry"),
    ("index:" + "A" * 43, "no data key"),
    ("index:abc\nk1:" + "A" * 43, "32 bytes"),
    ("index:" + "A" * 43 + "\nnonsense", "expected 'id:base64key'"),
    ("index:" + "A" * 43 + "\nk1:" + "A" * 43 + "\nk1:" + "B" * 43, "appears twice"),
])
def test_malformed_keyring_names_the_problem(text, message):
    with pytest.raises(KeyringError, match=message):
        Keyring.parse(text)


def test_keyring_text_round_trips_and_new_key_becomes_current():
    ring = RING.with_new_data_key()
    new = ring.current_id
    assert new != "k1" and re.fullmatch(r"k[0-9a-f]{6}", new)
    assert Keyring.parse(ring.text()) == ring
    assert ring.without("k1").current_id == new
    with pytest.raises(KeyringError, match="current key"):
        ring.without(new)


def test_generated_keyrings_do_not_share_key_ids():
    ids = {Keyring.generate().current_id for _ in range(50)}
    assert len(ids) == 50


def test_a_keyring_that_does_not_belong_to_the_database_is_refused(person_a, settings):
    """A lost or swapped field-key: stopped before anything is written or misreported."""
    stranger = Keyring.generate()
    settings.PALERMO_FIELD_KEY_FILE = None
    settings.PALERMO_FIELD_KEYRING = stranger.text()
    with pytest.raises(KeyringError, match="does not belong to this database"):
        Person.objects.get(pk=person_a.pk)


def test_the_database_keeps_only_a_fingerprint(person_a):
    from palermo.core.models import KeyringFingerprint

    stored = KeyringFingerprint.objects.get().digest
    assert stored == crypto.keyring().fingerprint()
    assert crypto._b64encode(crypto.keyring().index_key) not in stored


def test_change_reasons_are_encrypted(cast, person_a):
    from palermo.cases.services import update_person

    update_person(cast.amina, person_a, family_name="Okafor-Eze",
                  reason="Sister Ngozi Okafor called")
    with connection.cursor() as cursor:
        cursor.execute("SELECT history_change_reason FROM cases_historicalperson "
                       "WHERE history_change_reason IS NOT NULL")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(v.startswith("v1.") and "Ngozi" not in v for v in stored)
    assert person_a.history.first().history_change_reason == "Sister Ngozi Okafor called"


@pytest.mark.parametrize("a, b", [
    ("Ámína  Bello", "amina bello"),
    ("  ADAEZE\tOKAFOR ", "adaeze okafor"),
    ("Straße", "STRASSE"),
    ("Łukasz", "łukasz"),
])
def test_normalisation_ignores_case_accents_and_spacing(a, b):
    assert crypto.normalise(a) == crypto.normalise(b)
    assert RING.blind_index(a, "name") == RING.blind_index(b, "name")


@given(st.text())
def test_normalise_is_idempotent(text):
    assert crypto.normalise(crypto.normalise(text)) == crypto.normalise(text)


def test_blind_index_separates_purposes():
    assert RING.blind_index("A123", "phone") != RING.blind_index("A123", "identity-number")


def _raw_row(person) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, family_name, birth_date, identity_number, phone, "
                       "name_index FROM cases_person WHERE id = %s", [person.pk])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_database_holds_ciphertext_only(person_a):
    raw = _raw_row(person_a)
    for column in ("given_name", "family_name", "birth_date", "identity_number", "phone"):
        assert raw[column].startswith("v1.k1."), column
    flat = " ".join(str(v) for v in raw.values()).lower()
    for secret in ("adaeze", "okafor", "2001-05-17", "a12345678", "0101"):
        assert secret not in flat
    fresh = Person.objects.get(pk=person_a.pk)
    assert (fresh.given_name, fresh.birth_date) == ("Adaeze", dt.date(2001, 5, 17))


def test_history_rows_are_encrypted_too(person_a):
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_historicalperson")
        values = [row[0] for row in cursor.fetchall()]
    assert values and all(v.startswith("v1.") for v in values)


def test_tampered_row_in_database_raises_clear_error(person_a):
    with connection.cursor() as cursor:
        stored = _raw_row(person_a)["family_name"]
        forged = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
        cursor.execute("UPDATE cases_person SET family_name = %s WHERE id = %s",
                       [forged, person_a.pk])
    with pytest.raises(FieldDecryptionError, match="cases.Person.family_name"):
        Person.objects.get(pk=person_a.pk)


def test_encrypted_fields_cannot_be_filtered(person_a):
    with pytest.raises(FieldError, match="blind index"):
        list(Person.objects.filter(given_name="Adaeze"))
    assert Person.objects.filter(birth_date__isnull=False).count() == 1


def test_blind_index_search_finds_exact_matches_only(person_a, person_b):
    assert list(Person.objects.matching("adaeze  OKAFOR")) == [person_a]
    assert list(Person.objects.matching("A12345678")) == [person_a]
    assert list(Person.objects.matching("+234 801 555 0101")) == [person_a]
    assert not Person.objects.matching("Adaeze").exists()  # partial names do not match
    field = Person._meta.get_field("birth_date_index")
    assert isinstance(field, BlindIndexField)
    assert Person.objects.filter(
        birth_date_index=field.digest_for(dt.date(1999, 2, 3))).get() == person_b


def test_blind_index_follows_changes(person_a, cast):
    from palermo.cases.services import update_person

    update_person(cast.amina, person_a, family_name="Okafor-Eze")
    assert not Person.objects.matching("Adaeze Okafor").exists()
    assert Person.objects.matching("Adaeze Okafor-Eze").get() == person_a
