"""Live chat end to end: a real `tresen run`, a shop page on another origin embedding the
widget, the agent's workspace in a second browser context, and a network that can drop."""

import http.server
import os
import re
import subprocess
import sys
import threading
import time

import pytest

from tresen.testing.mail import SmtpSink, free_port
from tresen.testing.proxy import CuttableProxy
from tresen.testing.servers import wait_for_http

AGENT_EMAIL, AGENT_PASSWORD = "tom@shop.example", "geheim-123"
COLLEAGUE_EMAIL = "mia@shop.example"


class Shop(http.server.ThreadingHTTPServer):
    """The shop's own site: a product page with the widget's script tag; `/konto` also
    passes a signed-in customer with a forged signature."""

    def __init__(self, port: int, script: str):
        def page(extra: str = "") -> bytes:
            return (
                "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
                "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                "<title>Leinenkissen</title></head><body><h1>Kissenbezug Leinen</h1>"
                f"<p>29,90 €</p>{extra}{script}</body></html>"
            ).encode()

        forged = (
            "<script>window.TresenChat = {email: 'kim@example.de', name: 'Kim', "
            f"signature: '{'0' * 64}'}};</script>"
        )
        pages = {"/kissen": page(), "/konto": page(forged)}

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(pages.get(self.path, pages["/kissen"]))

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", port), Page)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    sink = SmtpSink().__enter__()
    port, shop_port = free_port(), free_port()
    env = {
        **os.environ,
        "TRESEN_DATA_DIR": str(tmp_path_factory.mktemp("tresen")),
        "TRESEN_SMTP_LISTEN": "off",
        "TRESEN_SMTP_HOST": "127.0.0.1",
        "TRESEN_SMTP_PORT": str(sink.port),
        "TRESEN_SMTP_TLS": "none",
        "TRESEN_SECRET_KEY": "e2e-chat-secret",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "TRESEN_DATABASE_URL", "TRESEN_REDIS_URL"):
        env.pop(name, None)
    tresen = [sys.executable, "-m", "tresen.cli"]

    def cli(*args: str) -> str:
        done = subprocess.run([*tresen, *args], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    cli("migrate")
    for email, name in ((AGENT_EMAIL, "Tom Berger"), (COLLEAGUE_EMAIL, "Mia Brandt")):
        cli("createagent", "--email", email, "--password", AGENT_PASSWORD, "--name", name)
    cli("inbox", "add-email", "--address", "service@shop.example", "--name", "Service")
    added = cli(
        "inbox", "add-chat", "--name", "Shop-Chat", "--origin", f"http://127.0.0.1:{shop_port}"
    )
    key = re.search(r"key (\S+)\.", added)[1]
    server = subprocess.Popen([*tresen, "run", "--port", str(port)], env=env)
    proxy = CuttableProxy(port).__enter__()
    source = f"http://127.0.0.1:{proxy.port}/chat/widget.js"
    script = f'<script src="{source}" data-key="{key}" async></script>'
    shop = Shop(shop_port, script)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
        yield {
            "tresen": f"http://127.0.0.1:{port}",
            "shop": f"http://127.0.0.1:{shop_port}/kissen",
            "proxy": proxy,
            "sink": sink,
            "key": key,
        }
    finally:
        shop.shutdown()
        proxy.__exit__()
        server.terminate()
        server.wait(timeout=20)
        sink.__exit__()


def _visitor(browser, **options):
    context = browser.new_context(locale="de-DE", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _shot(page, name: str) -> None:
    """Screenshots for a human to look at, when TRESEN_SCREENSHOT_DIR asks for them."""
    folder = os.environ.get("TRESEN_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png")


def _open_chat(page):
    page.locator('[data-tresen="launcher"]').click()
    page.locator('[data-tresen="input"]').wait_for()


def _write(page, text: str):
    page.locator('[data-tresen="input"]').fill(text)
    page.locator('[data-tresen="send"]').click()


def test_visitor_and_agent_chat_live_across_reload_and_a_dropped_network(live, browser, log_in):
    agent_context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 860})
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)
    log_in(agent, live["tresen"], AGENT_EMAIL, AGENT_PASSWORD)
    agent.goto(f"{live['tresen']}/workspace/?view=all")
    visitor_context, visitor = _visitor(browser)
    try:
        visitor.goto(live["shop"])
        _open_chat(visitor)
        status = visitor.locator('[data-tresen="status"]')
        status.wait_for()
        _write(visitor, "Hallo! Ist der Kissenbezug auch in Salbeigrün lieferbar?")
        own = '[data-tresen="message"][data-direction="in"]'
        visitor.wait_for_selector(f'{own}:is([data-state="delivered"], [data-state="read"])')

        # The conversation appears in the agent's list without a reload.
        row = agent.get_by_text("Salbeigrün", exact=False).first
        row.wait_for()
        row.click()
        agent.wait_for_url("**/workspace/c/*/")
        agent.locator("#reply-text").fill("Ja, Salbeigrün ist ab Lager lieferbar.")
        agent.get_by_role("button", name="Senden").click()

        reply = visitor.locator('[data-tresen="message"][data-direction="out"]')
        reply.wait_for()
        assert "Salbeigrün ist ab Lager" in reply.inner_text()
        # The agent had the chat open: the visitor's message shows as read.
        visitor.wait_for_selector('[data-tresen="message"][data-direction="in"][data-state="read"]')
        _shot(visitor, "chat-visitor-desktop")
        _shot(agent, "chat-agent-workspace")

        visitor.reload()
        _open_chat(visitor)
        visitor.locator('[data-tresen="message"]', has_text="ab Lager lieferbar").wait_for()
        texts = visitor.locator('[data-tresen="message"]').all_inner_texts()
        assert any("auch in Salbeigrün" in text for text in texts)

        # The network drops: the visitor writes meanwhile, the agent answers meanwhile.
        live["proxy"].cut()
        visitor.locator('[data-tresen="connection"]').wait_for(state="visible")
        _write(visitor, "Und wie lange dauert der Versand?")
        pending = visitor.locator('[data-tresen="message"][data-state="pending"]')
        pending.wait_for()
        _shot(visitor, "chat-visitor-reconnecting")
        agent.locator("#reply-text").fill("Der Versand dauert 2 Tage.")
        agent.get_by_role("button", name="Senden").click()
        agent.locator(".message.outbound", has_text="Der Versand dauert 2 Tage.").wait_for()
        live["proxy"].restore()

        visitor.locator(
            '[data-tresen="message"][data-direction="out"]', has_text="2 Tage"
        ).wait_for()
        visitor.locator('[data-tresen="connection"]').wait_for(state="hidden")
        agent.locator(".message.inbound", has_text="wie lange dauert der Versand").wait_for()
        time.sleep(1)  # anything sent twice would show by now
        texts = visitor.locator('[data-tresen="message"]').all_inner_texts()
        assert sum("wie lange dauert der Versand" in text for text in texts) == 1
        assert sum("Der Versand dauert 2 Tage" in text for text in texts) == 1
        assert agent.locator(".message.inbound", has_text="wie lange dauert").count() == 1
    finally:
        visitor_context.close()
        agent_context.close()


def test_with_nobody_on_the_chat_continues_by_email(live, browser, log_in):
    visitor_context, visitor = _visitor(browser)
    visitor.goto(live["shop"])
    _open_chat(visitor)
    status = visitor.locator('[data-tresen="status"]')
    status.wait_for()
    assert "niemand im Chat" in status.inner_text()
    _write(visitor, "Kann ich die Kissenbezüge auch bei 60 Grad waschen?")
    visitor.locator('[data-tresen="email"]').fill("lena@example.de")
    visitor.locator('[data-tresen="email-save"]').click()
    visitor.get_by_text("lena@example.de").first.wait_for()
    visitor_context.close()  # the visitor leaves the shop

    agent_context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 860})
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)
    try:
        log_in(agent, live["tresen"], AGENT_EMAIL, AGENT_PASSWORD)
        agent.goto(f"{live['tresen']}/workspace/?view=all")
        agent.get_by_text("60 Grad", exact=False).first.click()
        agent.locator("#reply-text").fill("Ja, bis 60 Grad ist kein Problem.")
        agent.get_by_role("button", name="Senden").click()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not live["sink"].received:
            time.sleep(0.2)
        [sent] = [m for m in live["sink"].received if m["To"] == "lena@example.de"]
        assert "bis 60 Grad ist kein Problem" in sent.get_body(("plain",)).get_content()
        assert "service@shop.example" in sent["From"]
    finally:
        agent_context.close()


def test_a_forged_customer_signature_chats_as_a_guest(live, browser):
    context, page = _visitor(browser)
    try:
        page.goto(live["shop"].replace("/kissen", "/konto"))
        _open_chat(page)
        notice = page.locator('[data-tresen="notice"]')
        notice.wait_for()
        assert "als Gast" in notice.inner_text()
    finally:
        context.close()


def test_on_a_site_that_is_not_allowed_the_widget_stays_away(live, browser):
    context, page = _visitor(browser)
    warnings = []
    page.on("console", lambda message: warnings.append(message.text))
    try:
        page.goto(live["shop"].replace("127.0.0.1", "localhost"))
        page.wait_for_timeout(1500)
        assert page.locator('[data-tresen="launcher"]').count() == 0
        assert any("may not be embedded" in text for text in warnings), warnings
    finally:
        context.close()


def test_on_a_phone_the_open_chat_fills_the_screen(live, browser):
    context, page = _visitor(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, reduced_motion="reduce"
    )
    try:
        page.goto(live["shop"])
        _open_chat(page)
        box = page.locator('[data-tresen="panel"]').bounding_box()
        assert box["width"] >= 388 and box["height"] >= 800
        _shot(page, "chat-phone-offline")
    finally:
        context.close()


def test_colleagues_see_each_other_in_a_conversation_and_its_changes_live(live, browser, log_in):
    visitor_context, visitor = _visitor(browser)
    contexts = [visitor_context]
    try:
        visitor.goto(live["shop"])
        _open_chat(visitor)
        _write(visitor, "Meine Lieferung ist beschädigt angekommen.")
        pages = []
        for email in (AGENT_EMAIL, COLLEAGUE_EMAIL):
            context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 860})
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(10_000)
            log_in(page, live["tresen"], email, AGENT_PASSWORD)
            page.goto(f"{live['tresen']}/workspace/?view=all")
            page.get_by_text("beschädigt angekommen", exact=False).first.click()
            page.wait_for_url("**/workspace/c/*/")
            pages.append(page)
        tom, mia = pages
        activity = mia.locator("#live-activity")
        activity.filter(has_text="Tom Berger hat dieses Gespräch auch geöffnet").wait_for()
        tom.locator("#reply-text").press_sequentially("Das tut mir leid")
        activity.filter(has_text="Tom Berger schreibt gerade eine Antwort").wait_for()
        visitor.locator('[data-tresen="typing"]').filter(has_text="Tom").wait_for()
        _shot(mia, "chat-colleague-typing")

        tom.locator('.actions select[name="status"]').select_option("pending")
        mia.locator(".thread-head .status-pending").wait_for()
        visitor.locator('[data-tresen="input"]').fill("Foto folgt.")
        visitor.locator('[data-tresen="send"]').click()
        mia.locator(".message.inbound", has_text="Foto folgt.").wait_for()
        # The customer answered: the conversation is open again for both.
        tom.locator(".thread-head .status-open").wait_for()
    finally:
        for context in contexts:
            context.close()
