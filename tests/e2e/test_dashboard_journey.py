"""A manager opens Telephony → Dashboard: the banner while nobody can take chats, the team
refreshing itself as a pre-seller signs in, and a chart drawn from the table beside it."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from webapp.db import utcnow
from webapp.domain.codes import RoutingReason
from webapp.models import Chat, Lead
from webapp.services.report_counts import rebuild


def _chats_today(live_server, person: dict, count: int) -> None:
    """`count` chats given to `person` a few minutes ago (today, in any zone's reckoning
    unless the test runs in the first minutes after midnight UTC)."""
    with live_server.db() as session:
        for n in range(count):
            at = utcnow() - timedelta(seconds=30 + n)
            session.add(Chat(lead=Lead(name=f"Lead {n}", wa_id=f"551190000{n:04d}"),
                             assignee_id=person["id"], opened_assignee_id=person["id"],
                             opened_reason=RoutingReason.DISTRIBUTION, opened_at=at,
                             last_inbound_at=at, last_message_at=at, first_inbound_at=at,
                             window_expires_at=at + timedelta(hours=24)))
        rebuild()  # the facts were written directly: their report counts follow


def test_a_manager_reads_the_team_and_a_charts_table(live_server, new_page, team):
    _chats_today(live_server, team["ana"], 2)
    page = new_page()
    sign_in(page, team["manager"]["email"])
    banner = page.locator("[data-nobody-banner]")
    expect(banner).to_contain_text("Nobody can receive new chats now.")
    expect(banner).to_contain_text("wait in the waiting line")

    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Team now")).to_be_visible()
    ana_row = page.locator("#team-now tr", has_text="Ana Souza")
    expect(ana_row).to_contain_text("Offline")
    expect(ana_row).to_contain_text("2 open chats")

    # Ana signs in elsewhere: the team panel refreshes itself (it polls every 10 s).
    ana_page = new_page()
    sign_in(ana_page, team["ana"]["email"])
    expect(ana_row).to_contain_text("Available", timeout=25_000)

    page.get_by_label("Today").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    table = page.locator("#report-new-chats")
    expect(table.locator("tr", has_text="Ana Souza").locator("td")).to_have_text("2")
    expect(table.locator("tr", has_text="Bruno Lima").locator("td")).to_have_text("0")
    # The chart beside it was drawn from that table: the same labels and numbers.
    page.wait_for_function("() => window.Chart && Chart.getChart("
                           "document.querySelector('[data-chart-for=report-new-chats]'))")
    drawn = page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector('[data-chart-for=report-new-chats]'));
        return {labels: chart.data.labels, data: chart.data.datasets[0].data};
    }""")
    assert drawn == {"labels": ["Ana Souza", "Bruno Lima"], "data": [2, 0]}
    # No banner now that Ana can take a new chat (once the page has asked).
    page.reload()
    expect(page.locator("#nobody-banner[data-checked]")).to_have_count(1)
    expect(page.locator("[data-nobody-banner]")).to_have_count(0)
