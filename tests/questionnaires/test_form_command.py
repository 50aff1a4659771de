"""``palermo form load`` and ``palermo form export``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from palermo.questionnaires.models import Form, FormVersion
from tests.questionnaires.forms import BRANCHING, xlsform


def test_load_publish_and_export(cast, tmp_path):
    path = tmp_path / "branching.xlsx"
    path.write_bytes(BRANCHING)
    out = io.StringIO()
    call_command("form", "load", str(path), "--publish", "--org", "NGO A", stdout=out)
    assert "branching: version 1 loaded (published, NGO A" in out.getvalue()
    version = FormVersion.objects.get()
    assert version.status == "published" and version.form.organisation == cast.ngo_a
    xml = io.StringIO()
    call_command("form", "export", "branching", "--format", "xform", stdout=xml)
    assert "<h:title>Branching interview</h:title>" in xml.getvalue()
    target = tmp_path / "copy.xlsx"
    call_command("form", "export", "branching", "--format", "xlsform", "--out", str(target),
                 stdout=io.StringIO())
    assert target.read_bytes() == BRANCHING


def test_a_bad_form_prints_every_problem_and_fails(db, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsform([["type", "name", "label", "constraint"],
                              ["texte", "a", "A", ""],
                              ["integer", "b", "B", ". >> 3"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("form", "load", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("bad.xlsx: survey, row 2, column type (A2): Unknown question")
    assert lines[1].startswith("bad.xlsx: survey, row 3, column constraint (D3): Bad expr")
    assert not Form.objects.exists()


def test_unknown_names(db, tmp_path):
    with pytest.raises(CommandError, match="No form named"):
        call_command("form", "export", "nothing", "--format", "xform")
    path = tmp_path / "b.xlsx"
    path.write_bytes(BRANCHING)
    with pytest.raises(CommandError, match="No organisation"):
        call_command("form", "load", str(path), "--org", "Nowhere")
