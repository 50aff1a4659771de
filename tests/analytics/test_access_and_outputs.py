"""Who sees which table, suppressed or not, in every output: HTML, CSV, XLSX, API.

fatima (supervisor, NGO A) sees the real counts of NGO A; emre (M&E officer, NGO A) sees NGO A
suppressed; chen (analyst) and dana (donor) see every organisation suppressed; caseworkers
and the administrator have no statistics (403). No count from 1 to 10 reaches a reader who
lacks the real counts, and every file or API table is written to the release log.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from openpyxl import load_workbook

from palermo.analytics.models import Release
from tests.browser import needs_chromium
from tests.conftest import signed_in

TABLE = "/reports/ctm_full_sample/"
REGIONS = "/reports/ctm_regions_of_origin/"
API = "/api/statistics/tables/ctm_full_sample"


def html_counts(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'data-n="(\d+)"', html)]


def csv_counts(text: str) -> list[int]:
    rows = list(csv.reader(io.StringIO(text)))
    header = next(i for i, r in enumerate(rows) if r[:2] == ["Variable", "Category"])
    counts = []
    for row in rows[header + 1:]:
        if not row or not row[0] or len(row) < 3:
            break
        counts += [int(v) for v in row[2::2] if v.isdigit()]
    return counts


def xlsx_sheet(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return book[book.sheetnames[0]]


def xlsx_counts(sheet) -> list:
    values = []
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if row[0] is None:
            break
        values += [v for v in row[1::2] if v is not None]
    return values


def printed_report(client) -> str:
    """The report of every table: a background job whose result is the printable page."""
    job_page = client.get("/reports/print/", follow=True)
    assert b"The report of" in job_page.content and b"Open the report" in job_page.content
    return client.get(job_page.redirect_chain[-1][0] + "result/").content.decode()


def small(counts) -> list[int]:
    return [n for n in counts if isinstance(n, int) and 1 <= n <= 10]


@pytest.mark.parametrize("name", ["amina", "boris", "root"])
def test_roles_without_statistics_get_403(browser, api_client, mixed_facts, name):
    client = browser(name)
    for url in ("/reports/", TABLE, TABLE + "export.csv", TABLE + "export.xlsx",
                "/reports/print/"):
        assert client.get(url).status_code == 403, url
    api = api_client(name)
    assert api.get("/api/statistics/tables").status_code == 403
    assert api.get(API).status_code == 403
    assert not Release.objects.exists()


def test_supervisor_sees_real_counts_of_her_organisation(browser, mixed_facts):
    response = browser("fatima").get(TABLE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "All Countries (N=60)" in html  # NGO A only
    assert "real counts" in html
    assert small(html_counts(html))  # e.g. 6 persons of another gender identity
    assert "not shown to protect" not in html


@pytest.mark.parametrize("name, n", [("emre", "60"), ("chen", "105"), ("dana", "105")])
def test_others_see_suppressed_tables(browser, mixed_facts, name, n):
    client = browser(name)
    html = client.get(TABLE).content.decode()
    assert f"All Countries (N={n})" in html
    assert not small(html_counts(html)) and html_counts(html)
    assert "not shown to protect the persons counted" in html
    assert "Other gender identity" in html and "–" in html
    regions = client.get(REGIONS).content.decode()
    assert not small(html_counts(regions)) and "Total n" in regions
    printed = printed_report(client)  # a file: it carries its print styles
    assert "@media print" in printed and "Regions of Origin" in printed
    assert f'href="{reverse("web:analytics_index")}"' in printed  # the page links back
    served = client.get(REGIONS + "print/").content.decode()
    # The served page takes its print styles from a static sheet (no inline style: the CSP).
    assert 'href="/static/palermo/print.css"' in served and "<style" not in served
    assert "@media print" in Path(finders.find("palermo/print.css")).read_text()
    assert not small(html_counts(served))
    assert not small(html_counts(printed))


@pytest.mark.parametrize("name", ["emre", "chen", "dana"])
def test_no_small_count_in_csv_xlsx_or_api(browser, api_client, mixed_facts, name):
    client = browser(name)
    for url in (TABLE, REGIONS):
        response = client.get(url + "export.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        counts = csv_counts(response.content.decode())
        assert counts and not small(counts)
        sheet = xlsx_sheet(client.get(url + "export.xlsx").content)
        values = xlsx_counts(sheet)
        assert values and not small(values)
    body = api_client(name).get(API).json()
    assert body["suppressed"] and body["threshold"] == 10
    api_counts = [c["n"] for b in body["blocks"] for r in b["rows"] for c in r["cells"]]
    assert not small(api_counts) and None in api_counts
    assert not small(c["n"] for c in body["columns"])


def test_xlsx_has_numbers_notes_and_source(browser, mixed_facts):
    response = browser("fatima").get(TABLE + "export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="ctm_full_sample.xlsx"'
    sheet = xlsx_sheet(response.content)
    assert sheet.title == "Table 1 Full Sample"
    assert sheet["A1"].value == "Table 1: Full Sample"
    assert sheet["B3"].value == "All Countries (N=60)"
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["Female"] == (42, 70.0)
    # Numbers, not text (openpyxl reads 70.0 back as 70).
    assert isinstance(rows["Female"][0], int) and isinstance(rows["Female"][1], int | float)
    texts = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert "*Categories are not mutually exclusive." in texts
    assert texts[-1] == "Source: Counter Trafficking Module Database (CTM)."
    pct = next(c for c in sheet["C"] if c.value == 70.0)
    assert pct.number_format == "0.0"


def test_csv_layout(browser, mixed_facts):
    text = browser("fatima").get(TABLE + "export.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Table 1: Full Sample"]
    assert rows[2][2] == "All Countries (N=60)"
    assert ["Gender", "Female", "42", "70.0"] in rows
    assert rows[-1] == ["Source: Counter Trafficking Module Database (CTM)."]


def test_every_export_is_written_to_the_release_log(browser, api_client, mixed_facts, cast):
    client = browser("chen")
    content = client.get(TABLE + "export.xlsx").content
    client.get(REGIONS + "export.csv?convention=ctdc&by=year")
    # Refused (chen gets the fixed table set): no file, no release.
    assert client.get(REGIONS + "export.csv?date_from=2020-01-01").status_code == 400
    api_client("dana").get(API + "?by=year")
    browser("fatima").get(TABLE + "export.csv?date_from=2020-01-01&data_source=casework")
    client.get(TABLE)  # a page view is not a release
    xlsx, csv_, api, real = Release.objects.order_by("id")
    assert (xlsx.user, xlsx.organisation, xlsx.channel, xlsx.method) == (
        cast.chen.user, cast.hq, "xlsx", "table")
    assert xlsx.sha256 == hashlib.sha256(content).hexdigest() and xlsx.suppressed
    assert xlsx.spec == "ctm_full_sample" and xlsx.row_count > 30
    assert csv_.parameters["convention"] == "ctdc" and csv_.parameters["by"] == ["year"]
    assert csv_.parameters["filters"]["from"] is None
    assert csv_.parameters["threshold"] == 10
    assert (api.user, api.channel, api.parameters["by"]) == (cast.dana.user, "api", ["year"])
    assert (real.user, real.suppressed) == (cast.fatima.user, False)
    assert real.parameters["filters"]["from"] == "2020-01-01"
    assert real.parameters["filters"]["data_sources"] == ["casework"]


def test_filters_on_the_page_and_bad_filters(browser, api_client, mixed_facts, cast):
    # The supervisor (real counts) filters; chen, without, gets the fixed table set:
    # test_fixed_table_set.py checks the refusals.
    client = browser("fatima")
    html = client.get(TABLE, {"data_source": "casework", "client_category": "victim"}
                      ).content.decode()
    assert "All Countries (N=60)" in html
    bad = client.get(TABLE, {"date_from": "2022-01-01", "date_to": "2020-01-01"})
    assert "The end is before the start." in bad.content.decode()
    assert client.get(TABLE + "export.csv", {"date_from": "yesterday"}).status_code == 400
    response = api_client("fatima").get(API, {"date_from": "yesterday"})
    assert response.status_code == 422 and "date_from" in response.json()["fields"]
    response = api_client("fatima").get(API, {"data_source": "telepathy"})
    assert response.status_code == 422 and "data_source" in response.json()["fields"]
    # fatima may not filter on another organisation: the choice is refused.
    response = api_client("fatima").get(API, {"organisation": cast.ngo_b.pk})
    assert response.status_code == 422 and "organisation" in response.json()["fields"]
    response = api_client("chen").get(API, {"by": "weekday"})
    assert response.status_code == 422 and "by" in response.json()["fields"]
    assert browser("chen").get("/reports/no_such_table/").status_code == 404
    assert api_client("chen").get("/api/statistics/tables/nothing").status_code == 404
    assert client.get(TABLE + "export.pdf").status_code == 404


def test_htmx_request_gets_the_table_part(browser, mixed_facts):
    response = browser("chen").get(TABLE, {"by": "year"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "2019 (N=" in html


def test_api_lists_tables_and_supervisor_gets_real_counts(api_client, mixed_facts):
    listed = api_client("emre").get("/api/statistics/tables").json()
    assert [t["key"] for t in listed] == ["ctm_full_sample", "ctm_regions_of_origin"]
    body = api_client("fatima").get(API).json()
    assert not body["suppressed"] and body["columns"] == [{"label": "All Countries", "n": 60}]
    gender = next(b for b in body["blocks"] if b["name"] == "gender")
    assert gender["rows"][0] == {"label": "Female", "cells": [{"n": 42, "pct": 70.0}]}
    assert json.dumps(body)  # plain JSON


def test_chart_is_inline_svg(browser, mixed_facts):
    html = browser("fatima").get(TABLE).content.decode()
    assert '<figure class="chart"><svg' in html
    # Colours as presentation attributes: the CSP refuses inline styles (tests/web/test_csp.py).
    chart = html[html.index('<figure class="chart">'):html.index("</figure>")]
    assert "style=" not in chart and "<style" not in chart
    assert 'fill="#1f77b4"' in chart


@needs_chromium
def test_the_table_page_and_its_chart_run_under_the_policy(cast, mixed_facts, page,
                                                           live_server, settings,
                                                           csp_violations):
    settings.PALERMO_REQUIRE_2FA = False
    session = signed_in(cast.fatima).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session,
                               "url": live_server.url}])
    for url in [TABLE, TABLE + "print/"]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    assert page.locator("figure.chart svg").count() >= 1
    assert csp_violations == []
