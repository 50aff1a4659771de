"""Key rotation: everything re-encrypted under the new key, readable throughout, old key
retired only when unused."""

from __future__ import annotations

import os
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from palermo.cases.models import Person
from palermo.cases.services import register_person
from palermo.core import crypto, rotation


@pytest.fixture
def keyring_file(db, tmp_path, settings, monkeypatch):
    """Run the test with the keyring in a file, as a default install has it. The file is
    looked at on every use (servers look once a second) so tests need not wait."""
    monkeypatch.setattr(crypto, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "field-key"
    path.write_text(settings.PALERMO_FIELD_KEYRING)
    settings.PALERMO_FIELD_KEY_FILE = path
    yield path


def _key_ids(table: str, column: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - fixed names
        return {crypto.key_id_of(row[0]) for row in cursor.fetchall() if row[0]}


def test_rotate_key_command_reencrypts_everything(keyring_file, cast, person_a, person_b,
                                                 capsys):
    assert _key_ids("cases_person", "given_name") == {"k1"}
    call_command("rotate_key")
    out = capsys.readouterr().out
    new = crypto.keyring().current_id
    assert new != "k1" and f"Added key {new}" in out
    assert _key_ids("cases_person", "given_name") == {new}
    assert _key_ids("cases_person", "birth_date") == {new}
    assert _key_ids("cases_historicalperson", "identity_number") == {new}
    assert set(rotation.usage()) == {new}
    assert "retire k1" in out
    fresh = Person.objects.get(pk=person_a.pk)
    assert (fresh.full_name, fresh.identity_number) == ("Adaeze Okafor", "A12345678")
    # Blind indexes do not change: search still works.
    assert Person.objects.matching("Adaeze Okafor").get() == person_a
    assert f"{new}:" in keyring_file.read_text() and keyring_file.stat().st_mode & 0o777 == 0o600


def test_values_stay_readable_while_rotation_is_half_done(keyring_file, cast, person_a):
    rotation.write_keyring(keyring_file, crypto.keyring().with_new_data_key())
    newer = register_person(cast.amina, given_name="Joy", family_name="Osagie")
    assert _key_ids("cases_person", "given_name") == {"k1", crypto.keyring().current_id}
    names = {p.full_name for p in Person.objects.all()}
    assert names == {"Adaeze Okafor", "Joy Osagie"}
    report = rotation.reencrypt_all(batch_size=1)
    assert report.by_old_key["k1"] > 0 and report.rows >= 1
    assert Person.objects.get(pk=newer.pk).full_name == "Joy Osagie"


def test_a_concurrent_edit_is_not_overwritten(keyring_file, cast, person_a):
    """The rewrite is guarded by the ciphertext it read; a value changed meanwhile wins."""
    rotation.write_keyring(keyring_file, crypto.keyring().with_new_data_key())
    fields = [Person._meta.get_field("family_name")]
    row = rotation._raw(Person, fields).values_list("pk", "raw_family_name").get()
    Person.objects.filter(pk=person_a.pk).update(family_name="Changed-Meanwhile")
    report = rotation.RotationReport()
    ring = crypto.keyring()
    rotation._rotate_row(Person, fields, "id", row[0], [row[1]], ring, ring.current_id, report)
    assert report.rewritten == 0
    assert Person.objects.get(pk=person_a.pk).family_name == "Changed-Meanwhile"


def test_retire_refuses_a_key_in_use_then_removes_it(keyring_file, cast, person_a):
    rotation.write_keyring(keyring_file, crypto.keyring().with_new_data_key())
    with pytest.raises(CommandError, match="still encrypts"):
        call_command("rotate_key", "--retire", "k1")
    call_command("rotate_key", "--no-new-key")
    call_command("rotate_key", "--retire", "k1")
    assert "k1:" not in keyring_file.read_text()
    assert Person.objects.get(pk=person_a.pk).given_name == "Adaeze"
    with pytest.raises(CommandError, match="current key"):
        call_command("rotate_key", "--retire", crypto.keyring().current_id)


def test_environment_keyring_is_not_rewritten(settings, cast, person_a):
    settings.PALERMO_FIELD_KEY_FILE = None
    with pytest.raises(CommandError, match="BEFORE the last line .so it only decrypts."):
        call_command("rotate_key")


def test_a_running_process_notices_a_changed_keyring_file(keyring_file):
    """Another process (a server) rewrote the file: this one picks it up without restart."""
    assert crypto.keyring().current_id == "k1"
    newer = crypto.keyring().with_new_data_key()
    keyring_file.write_text(newer.text())  # not through write_keyring: no cache reset here
    os.utime(keyring_file, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert crypto.keyring().current_id == newer.current_id


def test_retired_key_ids_are_never_reused(keyring_file, cast, person_a):
    seen = {"k1"}
    for _ in range(3):
        call_command("rotate_key")
        current = crypto.keyring().current_id
        assert current not in seen
        for old in [k for k, _ in crypto.keyring().data_keys if k != current]:
            call_command("rotate_key", "--retire", old)
        seen.add(current)
    assert Person.objects.get(pk=person_a.pk).identity_number == "A12345678"


def test_only_one_rotation_at_a_time(keyring_file, settings, cast):
    with rotation.exclusive(settings.DATA_DIR):
        with pytest.raises(CommandError, match="another `palermo rotate-key` is running"):
            call_command("rotate_key")
    assert [k for k, _ in crypto.keyring().data_keys] == ["k1"]


def test_keyring_file_keeps_owner_only_mode_and_leaves_no_leftover(keyring_file):
    (keyring_file.parent / "field-key.new").write_text("stale")
    rotation.write_keyring(keyring_file, crypto.keyring().with_new_data_key())
    assert keyring_file.stat().st_mode & 0o777 == 0o600
    assert not (keyring_file.parent / "field-key.new").exists()
