"""The demo's questionnaire step on a computer without Java (pyxform's ODK Validate needs
it): the demo still builds, without the forms, and says why."""

from __future__ import annotations

import shutil
from concurrent.futures import Future, ThreadPoolExecutor

from pyxform.validators import odk_validate

from palermo import demo_forms
from palermo.questionnaires.models import Form


def test_without_java_the_forms_are_skipped_with_a_warning(cast, monkeypatch, caplog):
    monkeypatch.setattr(odk_validate.shutil, "which", lambda cmd: None)
    loaded = demo_forms._load(demo_forms.INSTRUMENTS / "knowledge_test.xlsx")
    assert loaded.form is None and "Java" in loaded.problem
    done: Future = Future()
    done.set_result(loaded)
    with caplog.at_level("WARNING", logger="palermo.demo"):
        versions = demo_forms.publish_instruments(cast.root, [done])
    assert versions == {} and not Form.objects.exists()
    assert "knowledge_test.xlsx not loaded" in caplog.text
    # The steps that need the forms make nothing.
    assert demo_forms.add_interviews(cast.amina, versions, None) == 0
    assert demo_forms.add_staff_survey(cast.emre, cast.fatima, cast.amina, None, None) == 0
    assert demo_forms.add_surveys(cast.emre, cast.amina, versions, None) == {}


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
