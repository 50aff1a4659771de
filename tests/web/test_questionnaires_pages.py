"""Form pages: who may upload, publish, fill in and see responses; what the pages show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palermo.cases import interviews
from palermo.questionnaires import services
from palermo.questionnaires.models import AnswerChange, Form, Submission, SubmissionStatus
from tests.questionnaires.forms import BRANCHING, xlsform

BAD = xlsform([["type", "name", "label", "relevant"],
               ["texte", "a", "A", ""],
               ["select_one missing", "b", "B", ""],
               ["text", "c", "C", "${a} = "]])
SURVEY = xlsform([["type", "name", "label::English (en)", "label::French (fr)", "required"],
                  ["select_one yn", "happy", "Happy at work?", "Heureux au travail ?", "yes"]],
                 [["list_name", "name", "label::English (en)", "label::French (fr)"],
                  ["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"]],
                 [["form_id", "title", "palermo_kind"], ["pulse", "Pulse", "survey"]])


@pytest.fixture
def branching(cast):
    return services.publish(cast.emre, services.upload(cast.emre, BRANCHING, "b.xlsx"))


@pytest.fixture
def pulse(cast):
    return services.publish(cast.emre, services.upload(cast.emre, SURVEY, "pulse.xlsx"))


def upload(client, data: bytes, name: str = "form.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return client.post(reverse("web:form_manage"),
                       {"file": SimpleUploadedFile(name, data)})


def test_emre_uploads_and_sees_the_version(browser):
    response = upload(browser("emre"), BRANCHING, "branching.xlsx")
    version = Form.objects.get(name="branching").versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:form_version", args=[version.pk])
    page = browser("emre").get(response["Location"])
    assert page.status_code == 200 and b"Branching interview" in page.content


def test_bad_upload_lists_sheet_row_column_and_saves_nothing(browser):
    response = upload(browser("emre"), BAD, "bad.xlsx")
    assert response.status_code == 422
    text = response.content.decode()
    assert "Unknown question type" in text and "<td>3</td><td>type (A3)</td>" in text
    assert "is not on the choices sheet" in text and "relevant (D4)" in text
    assert not Form.objects.exists()


@pytest.mark.parametrize("name", ["amina", "boris", "chen", "dana", "fatima"])
def test_only_me_officers_and_admins_manage_forms(browser, name):
    assert browser(name).get(reverse("web:form_manage")).status_code == 403
    assert upload(browser(name), BRANCHING).status_code == 403
    assert not Form.objects.exists()


def test_publish_retire_preview_and_download(browser, cast):
    version = services.upload(cast.emre, BRANCHING, "branching.xlsx")
    emre = browser("emre")
    preview = emre.get(reverse("web:form_preview", args=[version.pk]))
    assert preview.status_code == 200 and b"nothing is saved" in preview.content
    assert emre.post(reverse("web:form_publish", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.status == "published"
    xform = emre.get(reverse("web:form_download", args=[version.pk, "xform"]))
    assert xform.status_code == 200 and b"<h:html" in xform.content
    original = emre.get(reverse("web:form_download", args=[version.pk, "xlsform"]))
    assert original.content == BRANCHING
    assert emre.post(reverse("web:form_retire", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.status == "retired"
    # Boris's organisation's M&E officer never manages NGO A's form; amina's role none.
    assert browser("amina").post(reverse("web:form_publish", args=[version.pk])
                                 ).status_code == 403
    assert browser("amina").get(reverse("web:form_preview", args=[version.pk])
                                ).status_code == 403


def test_another_organisation_cannot_manage_the_version(browser, cast, branching):
    from palermo.core.models import Membership, Role, User
    bea = Membership.objects.create(user=User.objects.create_user("bea"),
                                    organisation=cast.ngo_b, role=Role.ME_OFFICER)
    from tests.conftest import signed_in
    client = signed_in(bea)
    assert client.get(reverse("web:form_version", args=[branching.pk])).status_code == 404
    assert client.post(reverse("web:form_publish", args=[branching.pk])).status_code == 404


def test_fill_in_save_draft_review_submit(browser, cast, pulse):
    amina = browser("amina")
    listing = amina.get(reverse("web:form_list"))
    assert b"Pulse" in listing.content
    started = amina.post(reverse("web:response_start", args=[pulse.pk]))
    draft = Submission.objects.get()
    assert started["Location"] == reverse("web:response_fill", args=[draft.pk])
    url = started["Location"]
    page = amina.get(url)
    assert b'<legend>Happy at work?' in page.content
    french = amina.post(url, {"lang": "French (fr)", "_action": "check"})
    assert "Heureux au travail ?" in french.content.decode()
    saved = amina.post(url, {"happy": "yes", "_action": "save"})
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"happy": "yes"}
    missing = amina.post(url, {"_action": "review"})
    assert missing.status_code == 422 and b"This question is required." in missing.content
    review = amina.post(url, {"happy": "no", "_action": "review"})
    assert b"Review your answers" in review.content and b'value="no"' in review.content
    done = amina.post(url, {"happy": "no", "_action": "submit"})
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED and draft.answers == {"happy": "no"}
    assert done["Location"] == reverse("web:response_detail", args=[draft.pk])
    mine = amina.get(reverse("web:response_list")).content.decode()
    assert reverse("web:response_detail", args=[draft.pk]) in mine


def test_who_sees_a_response(browser, cast, pulse):
    response = services.submit(cast.amina, services.start(cast.amina, pulse, source="web"),
                               {"happy": "yes"})
    url = reverse("web:response_detail", args=[response.pk])
    assert browser("amina").get(url).status_code == 200
    assert browser("fatima").get(url).status_code == 200
    assert browser("emre").get(url).status_code == 200
    assert browser("boris").get(url).status_code == 404
    assert browser("dana").get(url).status_code == 403
    assert browser("dana").get(reverse("web:response_list")).status_code == 403
    assert browser("boris").get(reverse("web:response_fill", args=[response.pk])
                                ).status_code == 404


def test_correcting_an_answer_keeps_history(browser, cast, pulse):
    response = services.submit(cast.amina, services.start(cast.amina, pulse, source="web"),
                               {"happy": "yes"})
    url = reverse("web:response_change", args=[response.pk]) + "?q=happy"
    assert browser("amina").get(url).status_code == 403  # caseworkers do not correct
    fatima = browser("fatima")
    assert fatima.get(url).status_code == 200
    refused = fatima.post(url, {"happy": "no", "reason": ""})
    assert refused.status_code == 200 and AnswerChange.objects.count() == 0
    fatima.post(url, {"happy": "no", "reason": "asked again"})
    change = AnswerChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by) == (
        "yes", "no", cast.fatima.user)
    detail = fatima.get(reverse("web:response_detail", args=[response.pk])).content.decode()
    assert "asked again" in detail and "fatima" in detail


def test_repeats_add_and_remove_through_htmx(browser, cast, branching, case_a):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    url = reverse("web:response_fill", args=[draft.pk])
    amina = browser("amina")
    added = amina.post(url, {"children.count": "0", "_action": "add:children"},
                       HTTP_HX_REQUEST="true")
    html = added.content.decode()
    assert html.startswith('<div id="questions">')
    assert 'name="children.0.child_name"' in html and 'value="1"' in html
    removed = amina.post(url, {"children.count": "1", "children.0.child_name": "A",
                               "_action": "remove:children.0"}, HTTP_HX_REQUEST="true")
    assert 'name="children.0.child_name"' not in removed.content.decode()


def test_sensitive_questions_offer_declined(browser, cast, branching, case_a):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    html = browser("amina").get(reverse("web:response_fill", args=[draft.pk])).content.decode()
    assert 'name="recruiter.declined"' in html
    assert 'name="age.declined"' not in html


def test_case_interviews_page(browser, cast, branching, case_a):
    url = reverse("web:case_interviews", args=[case_a.pk])
    amina = browser("amina")
    page = amina.get(url)
    assert page.status_code == 200 and b"Branching interview" in page.content
    started = amina.post(url, {"version": branching.pk})
    draft = Submission.objects.get()
    assert draft.about_case and started["Location"] == reverse("web:response_fill",
                                                               args=[draft.pk])
    assert b"Branching interview" in amina.get(url).content
    assert browser("boris").get(url).status_code == 404
    assert browser("emre").get(url).status_code == 403
    assert browser("boris").post(url, {"version": branching.pk}).status_code == 404
    assert browser("emre").get(reverse("web:response_fill", args=[draft.pk])
                               ).status_code == 403  # a case's interview: not for M&E


def test_confidential_form_is_stored_only_on_submit_without_author(browser, cast):
    data = xlsform([["type", "name", "label", "required"], ["text", "view", "Your view", "yes"]],
                   None, [["form_id", "palermo_confidential"], ["staff", "yes"]])
    version = services.publish(cast.emre, services.upload(cast.emre, data, "s.xlsx"))
    amina = browser("amina")
    started = amina.post(reverse("web:response_start", args=[version.pk]))
    url = reverse("web:form_respond", args=[version.pk])
    assert started["Location"] == url and not Submission.objects.exists()
    page = amina.get(url).content.decode()
    assert "Confidential" in page and 'value="save"' not in page  # no drafts
    amina.post(url, {"view": "fine", "_action": "submit"})
    stored = Submission.objects.get()
    assert stored.author is None and stored.updated_at is None
    assert stored.answers == {"view": "fine"}
    assert browser("emre").get(reverse("web:response_detail", args=[stored.pk])
                               ).status_code == 404
    assert browser("dana").get(url).status_code == 403


def test_preview_saves_nothing(browser, cast, branching):
    url = reverse("web:form_preview", args=[branching.pk])
    done = browser("emre").post(url, {"age": "30", "recruited": "no", "_action": "submit"})
    assert done.status_code == 302 and not Submission.objects.exists()
