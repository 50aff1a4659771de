"""The demo's questionnaire step: forms load without Java (ODK Validate is not run), and a
published instrument is not read again."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

from pyxform.validators import odk_validate

from palermo import demo_forms


def test_without_java_the_forms_still_load_and_publish(cast, monkeypatch):
    """Palermo never runs ODK Validate, so a computer without Java gets every form."""
    monkeypatch.setattr(odk_validate.shutil, "which", lambda cmd: None)
    loaded = demo_forms._load(demo_forms.INSTRUMENTS / "knowledge_test.xlsx")
    assert loaded.form is not None and not loaded.problem
    with ThreadPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(lambda: loaded)]
        versions = demo_forms.publish_instruments(cast.root, futures)
    assert list(versions) == ["knowledge_test"]
    assert versions["knowledge_test"].status == "published"


def test_a_published_instrument_is_not_read_again(cast, monkeypatch, tmp_path):
    """Re-running the demo does not pay for reading a form that is already published."""
    for name in ("followup_interview.xlsx", "knowledge_test.xlsx"):
        shutil.copy(demo_forms.INSTRUMENTS / name, tmp_path / name)
    monkeypatch.setattr(demo_forms, "INSTRUMENTS", tmp_path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = demo_forms.start_loading(pool)
    assert [f.result().path.stem for f in first] == ["followup_interview", "knowledge_test"]
    published = demo_forms.publish_instruments(cast.root, first[:1])
    assert list(published) == ["followup_interview"]
    assert published["followup_interview"].form.organisation is None  # a shared form
    with ThreadPoolExecutor(max_workers=2) as pool:
        again = demo_forms.start_loading(pool)
    assert [f.result().path.stem for f in again] == ["knowledge_test"]
