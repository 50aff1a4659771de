"""``palermo rotate-key``: add a new field-encryption key and re-encrypt everything under it."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from palermo.core import crypto, rotation


class Command(BaseCommand):
    help = ("Make a new data key current and re-encrypt every identity value under it, while "
            "the system stays in use. With --retire, remove an old key nobody uses any more.")

    def add_arguments(self, parser):
        parser.add_argument("--no-new-key", action="store_true",
                            help="Re-encrypt under the current key without adding one (use "
                                 "after adding a key to PALERMO_FIELD_KEY yourself).")
        parser.add_argument("--retire", metavar="KEY_ID",
                            help="Remove this old key from the keyring file once no value "
                                 "uses it.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        try:
            with rotation.exclusive(settings.DATA_DIR):
                self._handle(options)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, options):
        path = rotation.keyring_file()
        if options["retire"]:
            return self._retire(path, options["retire"])
        if not options["no_new_key"]:
            if path is None:
                new = crypto.keyring().with_new_data_key()
                raise CommandError(
                    "PALERMO_FIELD_KEY comes from the environment, so Palermo cannot add the "
                    "key itself. (1) Add this entry to PALERMO_FIELD_KEY on every server, "
                    "BEFORE the last line (so it only decrypts), and restart them all; "
                    "(2) move it to the LAST line (so it encrypts) and restart them all; "
                    "(3) run `palermo rotate-key --no-new-key`:\n"
                    + new.text().splitlines()[-1])
            ring = crypto.keyring().with_new_data_key()
            rotation.write_keyring(path, ring)
            self.stdout.write(f"Added key {ring.current_id} to {path}; it encrypts new values "
                              "from now on.")
            # Give running servers time to notice the new file before the first pass.
            time.sleep(2 * crypto.RECHECK_SECONDS)
        current = crypto.keyring().current_id
        with Progress(transient=True) as bar:
            task = bar.add_task("Re-encrypting", total=None)
            report = rotation.reencrypt_all(
                options["batch_size"], progress=lambda label, n: bar.advance(task, n))
        old = ", ".join(f"{k}: {n}" for k, n in sorted(report.by_old_key.items())) or "none"
        self.stdout.write(self.style.SUCCESS(
            f"Re-encrypted {report.rewritten} values in {report.rows} rows of "
            f"{len(report.tables)} tables under key {current} (previously under {old})."))
        left = {k: n for k, n in rotation.usage().items() if k != current}
        if left:
            self.stdout.write(self.style.WARNING(f"Still under old keys: {left}. Run again."))
        else:
            retired = [kid for kid, _ in crypto.keyring().data_keys if kid != current]
            if retired:
                self.stdout.write("No value uses the old keys any more; remove them with "
                                  + " ".join(f"`palermo rotate-key --retire {k}`"
                                             for k in retired) + " after a backup.")

    def _retire(self, path, kid):
        if path is None:
            raise CommandError("PALERMO_FIELD_KEY comes from the environment: remove the "
                               f"entry {kid!r} there once `palermo rotate-key --no-new-key` "
                               "has finished.")
        try:
            ring = crypto.keyring().without(kid)
        except crypto.KeyringError as exc:
            raise CommandError(str(exc)) from exc
        in_use = rotation.usage().get(kid, 0)
        if in_use:
            raise CommandError(f"Key {kid} still encrypts {in_use} values; run "
                               "`palermo rotate-key --no-new-key` first.")
        rotation.write_keyring(path, ring)
        self.stdout.write(self.style.SUCCESS(f"Retired key {kid}."))
