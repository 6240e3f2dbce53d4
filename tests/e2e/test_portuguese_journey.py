"""A Brazilian team at work in Portuguese: a pre-seller answers a lead, a manager finds the
chat, transfers it and reads why it went where it did, every word and time in pt-BR."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_chat_journeys import lead_writes
from webapp.models import MANAGER

pytestmark = pytest.mark.e2e
BRAZIL = {"locale": "pt_BR", "timezone": "America/Sao_Paulo"}


def entrar(page, email: str) -> None:
    """Sign in through the form, as it reads in Portuguese."""
    page.goto("/login")
    expect(page.get_by_role("heading", name="Entre no Relay")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def equipe(live_server):
    """A manager and two pre-sellers who chose Portuguese and São Paulo time."""
    return {
        "gerente": live_server.make_user(role=MANAGER, email="marta@example.test",
                                         name="Marta Gerente", **BRAZIL),
        "ana": live_server.make_user(email="ana@example.test", name="Ana Souza", **BRAZIL),
        "bruno": live_server.make_user(email="bruno@example.test", name="Bruno Lima", **BRAZIL),
    }


def test_a_pre_seller_and_a_manager_work_in_portuguese(live_server, new_page, equipe):
    ana = new_page(locale="pt-BR")
    entrar(ana, equipe["ana"]["email"])
    ana.goto("/inbox")
    expect(ana.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(ana.get_by_text("Nenhuma conversa aberta.")).to_be_visible()

    lead_writes(live_server, "5511912345678", "João Conceição", "Oi! Quanto custa o plano?")

    link = ana.get_by_role("link", name=re.compile("João Conceição"))
    expect(link).to_be_visible(timeout=10_000)
    expect(link).to_contain_text(re.compile(r"Esperando há (< 1|\d+) min"))
    expect(link).to_contain_text(re.compile(r"restam \d+ h \d+ min"))
    link.click()
    expect(ana.locator("#conv-head")).to_contain_text("+55 11 91234-5678")
    ana.wait_for_load_state("load")  # the page's deferred scripts (htmx, the reply box) must be running before we type
    box = ana.get_by_label("Responder a João Conceição")
    box.fill("Olá João! O plano custa R$ 99.")
    ana.get_by_role("button", name="Enviar", exact=True).click()
    expect(ana.locator(".msg.out .body")).to_have_text("Olá João! O plano custa R$ 99.",
                                                       timeout=10_000)
    expect(ana.locator(".msg.out")).not_to_contain_text("Sandbox")

    gerente = new_page(locale="pt-BR")
    entrar(gerente, equipe["gerente"]["email"])
    gerente.goto("/telephony/chats")
    expect(gerente.get_by_role("heading", name="Conversas (WhatsApp)")).to_be_visible()
    gerente.get_by_label("Buscar nome ou número do lead").fill("JOAO conceicao")
    row = gerente.locator("tr", has_text="João Conceição")
    expect(row).to_contain_text("Ana Souza")
    expect(row).to_contain_text("Respondida")
    row.get_by_role("button", name="Transferir a conversa com João Conceição").click()
    dialog = gerente.get_by_role("dialog")
    dialog.get_by_label(re.compile("Bruno Lima")).check()
    dialog.get_by_label("Observação para o histórico (opcional)").fill("Bruno fecha planos anuais")
    dialog.get_by_role("button", name="Transferir", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("Bruno Lima")
    expect(gerente.locator("#live-status")).to_contain_text(
        "A conversa com João Conceição agora está com Bruno Lima.")

    # Ana's screen says, in Portuguese, that the chat left her inbox.
    expect(ana.get_by_text("Esta conversa não está mais na sua caixa de entrada")).to_be_visible(
        timeout=10_000)

    # The manager reads why the chat went where it did, in Portuguese.
    gerente.goto(row.get_by_role("link", name="João Conceição").get_attribute("href"))
    gerente.get_by_role("button", name="Mais ações para esta conversa").click()
    gerente.get_by_role("menuitem", name="Histórico").click()
    history = gerente.get_by_role("dialog")
    expect(history).to_contain_text("Histórico da conversa com João Conceição")
    expect(history).to_contain_text("Distribuição")
    expect(history).to_contain_text("1 pré-vendedor online elegível: Ana Souza.")
    expect(history).to_contain_text(
        "Marta Gerente transferiu a conversa de Ana Souza para Bruno Lima.")
    expect(history).to_contain_text("Bruno fecha planos anuais")
