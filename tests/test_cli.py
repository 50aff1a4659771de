"""The two commands a new user runs: ``palermo demo`` and the server it starts.

Runs the real console script in a fresh data directory (SQLite), then serves it with gunicorn
on a free local port, signs in and searches, and checks that neither the database files nor
the server log hold a demo person's identity in plaintext.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from palermo import demo

PALERMO = [sys.executable, "-c", "from palermo.cli import main; main()"]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PALERMO_", "DJANGO_")) and k != "DATABASE_URL"}
    env["PALERMO_DATA_DIR"] = str(data_dir)
    return env


def _run(args: list[str], data_dir: Path) -> str:
    done = subprocess.run(PALERMO + args, env=_env(data_dir), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _identities(min_length: int = 1) -> list[str]:
    """The demo's identity strings. Ciphertext is base64, so a short name ("Joy") turns up in
    a large file by chance; searching binary files, only strings of 6+ characters count
    (the chance of a false hit is then about 1 in 100,000)."""
    words = [w for given, family in demo.NAMES.values() for w in given + family]
    return [w for w in words + ["DEMO-", demo.MARK] if len(w) >= min_length]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo") / "palermo-data"
    first = _run(["demo", "--no-serve", "--data-dir", str(data_dir)], data_dir)
    return data_dir, first


def test_demo_creates_an_install_and_prints_each_password_once(install):
    data_dir, first = install
    logins = dict(re.findall(r"^\s+(\w+)\s+(\S{16})\s+\(", first, re.M))
    assert set(logins) == {u[0] for u in demo.USERS}
    assert "two-factor sign-in is relaxed" in first.lower()
    for secret in ("field-key", "secret-key"):
        assert (data_dir / secret).stat().st_mode & 0o777 == 0o600
    again = _run(["demo", "--no-serve", "--data-dir", str(data_dir)], data_dir)
    assert re.search(rf"Existing install kept: 6 organisations, {len(demo.USERS)} users, "
                     r"300 persons, 3\d\d cases\.", again)
    assert not any(password in again for password in logins.values())


def test_database_files_hold_no_identity_in_plaintext(install):
    data_dir, _ = install
    blobs = b"".join(p.read_bytes() for p in data_dir.glob("palermo*.sqlite3*"))
    assert len(blobs) > 100_000
    found = [w for w in _identities(min_length=6) if w.encode() in blobs]
    assert found == []


def test_served_site_signs_in_and_logs_no_identity(install, tmp_path):
    data_dir, first = install
    logins = dict(re.findall(r"^\s+(\w+)\s+(\S{16})\s+\(", first, re.M))
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(PALERMO + ["serve", "--port", str(port), "--data-dir",
                                         str(data_dir)], env=_env(data_dir), stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/health", seconds=60)
        for username, password in logins.items():  # every demo user can sign in
            opener, home = _sign_in(base, username, password)
            assert f"Welcome, {username.capitalize()}" in home, username
        opener, _ = _sign_in(base, "amina", logins["amina"])
        listing = opener.open(f"{base}/cases/persons/").read().decode()
        assert "Persons registered by your organisation (100)" in listing
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', listing).group(1)
        given, family = demo.NAMES["NGA"][0][0], demo.NAMES["NGA"][1][0]
        search = urllib.parse.urlencode({"q": f"{given} {family}",
                                         "csrfmiddlewaretoken": token}).encode()
        opener.open(urllib.request.Request(f"{base}/cases/persons/", data=search,
                                           headers={"Referer": f"{base}/"})).read()
        # A name searched in the page or through the API never reaches the log.
        opener.open(f"{base}/cases/persons/?q={urllib.parse.quote(given)}").read()
        # The worker runs beside the server: a file checked on the import page is done.
        opener, _ = _sign_in(base, "fatima", logins["fatima"])
        job_page = _upload_for_check(opener, base, f"prs_FirstName,prs_Gender\n{given},"
                                                   "Feminine\nAnother,Masculine\n")
        assert "Checked 2 rows: 2 valid" in job_page
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    text = (tmp_path / "server.log").read_text()
    assert "GET /cases/persons/" in text and "POST /cases/persons/" in text
    assert [w for w in _identities() if w in text] == []


def _upload_for_check(opener, base: str, text: str) -> str:
    """Upload a CSV on the import page; wait for its check job; its page when done."""
    page = opener.open(f"{base}/exchange/import/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    boundary = "palermo-test-boundary"
    fields = [f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'
              for name, value in (("csrfmiddlewaretoken", token), ("layout", "htcds"))]
    fields.append('Content-Disposition: form-data; name="file"; filename="f.csv"\r\n'
                  f"Content-Type: text/csv\r\n\r\n{text}")
    body = "".join(f"--{boundary}\r\n{f}\r\n" for f in fields) + f"--{boundary}--\r\n"
    answer = opener.open(urllib.request.Request(
        f"{base}/exchange/import/", data=body.encode(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"{base}/"}))
    job_url = answer.geturl()
    assert "/jobs/" in job_url
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = opener.open(job_url).read().decode()
        if "hx-trigger" not in page:
            return page
        time.sleep(0.5)
    raise AssertionError("the check job did not finish: is the worker running?")


def _sign_in(base: str, username: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/account/login/").read().decode()
    assert "Sign in to Palermo" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    home = opener.open(urllib.request.Request(
        f"{base}/account/login/", data=form, headers={"Referer": f"{base}/"})).read()
    return opener, home.decode()


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds} s")


def test_console_script_is_installed():
    assert shutil.which("palermo") or Path(sys.executable).with_name("palermo").exists()
