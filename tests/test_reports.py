"""Every report figure against the hand-computed fixture (tests/report_fixture.py), the
period's local midnights, and the CSV and JSON agreeing with the page."""
import csv
import io
import re
from datetime import date
from html import unescape

import pytest

from tests.report_fixture import DAY, EXPECTED, ZONE, seed
from webapp.domain.reports import Period
from webapp.services.reports import REPORTS, Facts

ARGS = {"period": "range", "start": DAY, "end": DAY}


def figures(report) -> list[tuple]:
    """A report's rows as (name or key, values…)."""
    return [(row.name if row.name is not None else row.key,
             *(row.values[column] for column in report.columns)) for row in report.rows]


@pytest.fixture
def people(make_user):
    """The fixture's team and chats."""
    return seed(make_user)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_report_matches_the_hand_computed_figures(app, people, key):
    facts = Facts.of(Period(date(2026, 3, 10), date(2026, 3, 10), ZONE))
    report = REPORTS[key](facts)
    rows, summary = EXPECTED[key]
    assert figures(report) == rows
    for name, value in summary.items():
        assert report.summary[name] == value


def test_a_utc_day_is_not_the_local_day(app, people):
    """In UTC the 10th holds the 02:30 chat (the 9th in São Paulo) and not the 01:30 and
    02:59 ones of the 11th (still the 10th in São Paulo): six chats, not seven."""
    facts = Facts.of(Period(date(2026, 3, 10), date(2026, 3, 10), "UTC"))
    assert REPORTS["new-chats"](facts).summary["total"] == 6
    _, weekdays = facts.volume
    assert weekdays == [0, 6, 0, 0, 0, 0, 0]


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    """Each report table's rows on the page: the row's key, then each cell's data-value."""
    tables = {}
    for key, body in re.findall(r'<table id="report-([a-z-]+)".*?<tbody>(.*?)</tbody>', html,
                                re.S):
        tables[key] = [[unescape(row_key), *re.findall(r'data-value="([^"]*)"', row)]
                       for row_key, row in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>',
                                                      body, re.S)]
    return tables


def test_page_csv_and_json_show_the_same_figures(client, auth, people):
    auth.login(people[3])
    page = client.get("/telephony/dashboard", query_string=ARGS)
    assert page.status_code == 200
    tables = _page_tables(page.get_data(as_text=True))
    assert set(tables) == set(REPORTS)
    for key in REPORTS:
        body = client.get(f"/api/reports/{key}", query_string=ARGS).get_json()
        from_json = [[str(row["key"]), *("" if row[c] is None else _number(row[c])
                                         for c in body["columns"])] for row in body["rows"]]
        assert tables[key] == from_json, key
        sheet = list(csv.reader(io.StringIO(
            client.get(f"/telephony/dashboard/{key}.csv", query_string=ARGS)
            .get_data(as_text=True))))
        assert [row[1:] for row in sheet[1:]] == [row[1:] for row in from_json], key


def _number(value) -> str:
    """A figure written as the page and the CSV write it (30, 276, 27.5)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def test_the_json_says_the_period_in_utc_and_the_zone(client, auth, people):
    auth.login(people[3])
    body = client.get("/api/reports/new-chats", query_string=ARGS).get_json()
    assert body["period"] == {"first_day": DAY, "last_day": DAY, "time_zone": ZONE,
                              "start": "2026-03-10T03:00:00Z", "end": "2026-03-11T03:00:00Z"}
    assert body["summary"] == {"spread": 3, "unassigned": 2, "total": 7}


def test_the_page_words_the_rows_in_the_viewers_language(client, auth, people):
    maria = people[3]
    maria.locale = "pt_BR"
    from webapp.extensions import db
    db.session.commit()
    auth.login(maria)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get(
        "/telephony/dashboard", query_string=ARGS).get_data(as_text=True))).split())
    assert "terça-feira 7" in text
    assert "Novas conversas por pré-vendedor" in text and "Equipe inteira" in text


@pytest.mark.parametrize("args, problem", [
    ({"period": "range", "start": "2026-03-10"}, "Choose the first and the last day"),
    ({"period": "range", "start": "2026-03-10", "end": "2026-03-01"}, "comes before the first"),
    ({"period": "range", "start": "2024-01-01", "end": "2026-03-01"}, "at most 366 days"),
    ({"period": "forever"}, "Not a valid choice"),
])
def test_a_period_that_cannot_be_reported_is_explained(client, auth, people, args, problem):
    auth.login(people[3])
    page = client.get("/telephony/dashboard", query_string=args)
    assert page.status_code == 422
    assert problem in unescape(page.get_data(as_text=True))
    api = client.get("/api/reports/new-chats", query_string=args)
    assert api.status_code == 400 and api.is_json
    assert client.get("/telephony/dashboard/new-chats.csv",
                      query_string=args).status_code == 400


def test_an_unknown_report_is_a_404(client, auth, people):
    auth.login(people[3])
    assert client.get("/telephony/dashboard/nothing.csv").status_code == 404
    assert client.get("/api/reports/nothing").status_code == 404
    listed = client.get("/api/reports").get_json()["reports"]
    assert [item["report"] for item in listed] == list(REPORTS)


def test_reports_are_for_managers_only(client, auth, people):
    assert client.get("/api/reports/new-chats").status_code == 401
    auth.login(people[0])
    assert client.get("/telephony/dashboard").status_code == 403
    assert client.get("/telephony/dashboard/new-chats.csv").status_code == 403
    assert client.get("/api/reports/new-chats").status_code == 403


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(client, auth, people):
    ana = people[0]
    ana.name = "=HYPERLINK(\"http://x\")"
    from webapp.extensions import db
    db.session.commit()
    auth.login(people[3])
    sheet = client.get("/telephony/dashboard/new-chats.csv", query_string=ARGS).get_data(
        as_text=True)
    assert "'=HYPERLINK" in sheet and "\n=HYPERLINK" not in sheet
