"""The menu offers each persona exactly the sections the access policy opens to them."""

from __future__ import annotations

import pytest

from palermo.web.context import navigation

EXPECTED = {
    "amina": ["Cases", "Referrals", "Forms", "Learning"],
    "fatima": ["Cases", "Referrals", "Forms", "Survey results", "Statistics", "Programmes",
               "Learning", "Import and export", "Admin"],
    "boris": ["Cases", "Referrals", "Forms", "Learning"],
    "emre": ["Forms", "Survey results", "Statistics", "Programmes", "Learning",
             "Import and export"],
    "chen": ["Forms", "Survey results", "Statistics", "Programmes", "Learning",
             "Import and export"],
    "dana": ["Forms", "Statistics", "Programmes", "Learning"],
    "root": ["Forms", "Survey results", "Programmes", "Learning", "Admin"],
}


@pytest.mark.parametrize("name", EXPECTED)
def test_menu_follows_the_access_policy(cast, name):
    assert [item["label"] for item in navigation(cast.membership(name))] == EXPECTED[name]


@pytest.mark.parametrize("name, status", [("fatima", 200), ("emre", 200), ("chen", 200),
                                          ("amina", 403), ("dana", 403)])
def test_the_exchange_entry_leads_to_a_page_the_member_may_open(browser, cast, name, status):
    items = {i["key"]: i["url"] for i in navigation(cast.membership(name))}
    if "exchange" not in items:
        assert status == 403
        assert browser(name).get("/exchange/import/").status_code == 403
        return
    assert browser(name).get(items["exchange"]).status_code == status
