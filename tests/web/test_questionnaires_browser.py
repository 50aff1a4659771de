"""Skip logic in a real browser: headless Debian chromium fills the screening interview,
whose questions appear and disappear through htmx round trips to the server engine."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from palermo.cases import interviews
from palermo.cases.models import Screening
from palermo.questionnaires import services
from palermo.questionnaires.models import Submission, SubmissionStatus
from tests.browser import needs_chromium
from tests.conftest import signed_in

INSTRUMENT = (Path(__file__).resolve().parents[2]
              / "palermo/questionnaires/instruments/screening_interview.xlsx")
SCREENSHOT = Path("/tmp/palermo-screening-interview.png")

pytestmark = needs_chromium


def settle(page) -> None:
    """Wait until no htmx round trip is in flight."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def answer(page, name: str, value: str) -> None:
    page.check(f'input[name="{name}"][value="{value}"]')
    settle(page)


def test_screening_interview_with_branching(cast, case_a, page, live_server, settings,
                                            csp_violations):
    settings.PALERMO_REQUIRE_2FA = False
    version = services.publish(cast.root, services.upload(
        cast.root, INSTRUMENT.read_bytes(), INSTRUMENT.name, shared=True))
    draft = interviews.start_interview(cast.amina, case_a, version, source="web")
    session = signed_in(cast.amina).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session,
                               "url": live_server.url}])
    page.goto(live_server.url + reverse("web:response_fill", args=[draft.pk]))

    about = page.locator("#q-about-box")
    assert about.is_hidden()  # nothing is asked before consent
    answer(page, "consent", "yes")
    about.wait_for(state="visible")
    assert page.locator("#q-means-box").is_visible()  # adult until an age says otherwise

    page.fill("#q-age", "16")
    page.keyboard.press("Tab")
    settle(page)
    page.locator("#q-child_note-box").wait_for(state="visible")
    page.locator("#q-means-box").wait_for(state="hidden")  # a child: means are skipped

    method = page.locator("#q-recruitment_method-box")
    assert method.is_hidden()
    answer(page, "recruitment", "yes")
    method.wait_for(state="visible")
    answer(page, "recruitment_method", "ThroughOnlineSocialNetworks")
    answer(page, "transportation", "yes")
    page.locator("#q-transport_scope-box").wait_for(state="visible")
    for name in ("transfer", "harbouring", "receipt"):
        answer(page, name, "no")
    answer(page, "sexual_exploitation", "no")
    answer(page, "forced_labour", "yes")
    page.locator("#q-forced_labour_industry-box").wait_for(state="visible")
    for name in ("slavery", "servitude", "organ_removal", "forced_begging",
                 "forced_marriage", "criminal_activities"):
        answer(page, name, "no")
    page.check('input[name="harbouring.declined"]')  # sensitive: declined to answer
    settle(page)
    answer(page, "immediate_danger", "no")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.click('button[value="review"]')
    page.wait_for_selector("text=Review your answers")
    page.click('button[value="submit"]')
    page.wait_for_url(f"**{reverse('web:response_detail', args=[draft.pk])}")

    response = Submission.objects.get(pk=draft.pk)
    assert response.status == SubmissionStatus.SUBMITTED
    assert response.answers["age"] == 16 and response.answers["harbouring"] == "__declined__"
    assert "threat" not in response.answers  # the means group was never asked
    case_a.refresh_from_db()
    assert case_a.recruitment_methods == ["ThroughOnlineSocialNetworks"]
    screening = Screening.objects.get(case=case_a)
    assert screening.age == 16 and screening.answers["harbouring"] == "declined"
    assert screening.recommendation == "presumed_victim"  # a child: act and purpose
    assert SCREENSHOT.stat().st_size > 10_000
    # Every page and htmx round trip ran under the Content-Security-Policy untouched.
    assert csp_violations == []
