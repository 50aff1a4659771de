"""``palermo decrypt-export FILE --out PATH [--passphrase-file F]``: open a sealed export."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from palermo.exchange.management.commands.export import read_passphrase
from palermo.exchange.sealed import SealError, unseal


class Command(BaseCommand):
    help = "Decrypt a sealed Palermo export with its passphrase (asked, not echoed)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--out", help="Where to write (default: the name inside)")
        parser.add_argument("--passphrase-file")

    def handle(self, *args, **options):
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"No file {source}")
        passphrase = read_passphrase(options["passphrase_file"], confirm=False)
        try:
            name, content = unseal(source.read_bytes(), passphrase)
        except SealError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"] or source.with_name(name))
        out.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(content):,} bytes)."))
