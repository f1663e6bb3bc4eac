"""The chat page at ``/``, end to end: Debian's Chromium driven by Playwright against a real
server on a loopback port. Every test also checks, on teardown, that the page requested
nothing outside that server and raised no JavaScript error."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import playwright.sync_api as sync_api  # noqa: E402  (a dev dependency: never skipped)
import pytest
from fastapi import FastAPI

from ingest.embedding import LocalEmbedder
from service.api.app import STATIC_DIR, create_app
from service.api.schemas import AskResponse
from service.settings import Settings
from service.wiring import Components, build
from tests.conftest import DEMO_IDS, ROOT
from tests.service.api.conftest import LiveServer, api_settings

expect = sync_api.expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The page's JavaScript modules, every one of them loaded by the page (none left over).
MODULES = {f"/static/{p.name}" for p in STATIC_DIR.glob("*.js")}
pytestmark = [pytest.mark.slow]


@pytest.fixture(autouse=True, scope="module")
def _chromium_is_installed() -> None:
    """A missing browser fails the page tests loudly; `make test` installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium)")


# Debian's Chromium, never a downloaded one; no calls home of its own either.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
QUESTION = "What are Russia's stated preconditions for peace talks?"
REFUSAL = "The articles in the corpus do not contain an answer to this question."
EVIL_ARTICLE = (
    'Harbour council <img src=x onerror="window.__pwned=2"> approves Quillmere ferry plan\n'
    "QUILLMERE (Coastal Herald) - The Quillmere harbour council approved a new ferry terminal "
    "on Tuesday, the council said.\n"
    "The council's web notice, which read <script>window.__pwned=1</script> in its source "
    "code, described the Quillmere terminal as costing 12 million pounds.\n"
    "Harbourmaster Edda Vantrell said the Quillmere ferry terminal would open in the spring "
    "of next year.\n"
)


class Pages:
    """Opens the page of a server in fresh browser contexts (each its own localStorage) and
    records every request the page makes, every JavaScript error it raises and every error
    on its console (a refused fetch logs one too, so only some tests expect none)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.servers: set[str] = set()

    def open(self, server: LiveServer, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = self.browser.new_context(viewport=viewport, **options)
        self.contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", self._console)
        self.servers.add(urlsplit(server.url).netloc)
        page.goto(server.url + "/")
        return page

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} ({message.location.get('url')})")

    def outside(self) -> list[str]:
        """Requests to anywhere but the servers under test."""
        return [u for u in self.requests if urlsplit(u).netloc not in self.servers]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def pages(browser: Any) -> Iterator[Pages]:
    """Pages of a test; afterwards, nothing was requested elsewhere and nothing threw."""
    opened = Pages(browser)
    yield opened
    for context in opened.contexts:
        context.close()
    assert opened.requests and not opened.outside(), opened.outside()
    assert not opened.errors, f"JavaScript errors: {opened.errors}"


def done_event(sse_body: str) -> AskResponse:
    """The ``done`` event that ends a streamed /v1/ask reply, parsed with the real model."""
    blocks = [b for b in sse_body.replace("\r\n", "\n").split("\n\n") if b.strip()]
    kinds = [re.findall(r"^event: (\w+)$", b, re.M) for b in blocks]
    assert kinds[-1] == ["done"] and all(k == ["token"] for k in kinds[:-1]), kinds
    data = re.findall(r"^data: (.*)$", blocks[-1], re.M)
    return AskResponse.model_validate(json.loads("\n".join(data)))


def send(page: Any, question: str, press_enter: bool = True) -> tuple[int, str]:
    """Type a question, send it, wait for its answer block to finish: the reply's status and
    body."""
    answers = page.get_by_test_id("answer")
    before = answers.count()
    page.get_by_test_id("question-input").fill(question)
    with page.expect_response(lambda r: r.url.endswith("/v1/ask")) as reply:
        if press_enter:
            page.get_by_test_id("question-input").press("Enter")
        else:
            page.get_by_test_id("send").click()
    expect(answers).to_have_count(before + 1)
    expect(answers.nth(before)).not_to_have_attribute("data-state", "streaming")
    return reply.value.status, reply.value.text()


def ask(page: Any, question: str, press_enter: bool = True) -> AskResponse | None:
    """The final answer the page was sent (None for an error reply)."""
    status, body = send(page, question, press_enter)
    return done_event(body) if status == 200 else None


def shown(marked: str) -> str:
    """An answer as the page shows it: markers [n] become superscript n."""
    return re.sub(r"\[(\d+)\]", r"\1", marked)


def test_answer_streams_and_each_citation_opens_its_quote(
    live: LiveServer, pages: Pages, demo_parts: Components
) -> None:
    page = pages.open(live)
    status, body = send(page, QUESTION)
    assert status == 200 and body.count("event: token") > 5  # it streamed
    final = done_event(body)
    assert final.answerable and len(final.citations) >= 2
    answer = page.get_by_test_id("answer").first
    expect(answer).to_have_attribute("data-state", "done")
    # the draft is replaced by the verified answer, whose markers are the citations
    expect(answer.locator(".answer-text")).to_have_text(shown(final.answer))
    markers = answer.get_by_test_id("citation")
    expect(markers).to_have_count(len(re.findall(r"\[\d+\]", final.answer)))
    for c in final.citations[:2]:
        answer.locator(f'[data-testid=citation][data-marker="{c.marker}"]').first.click()
        panel = page.get_by_test_id("source-panel")
        highlight = panel.get_by_test_id("highlight")
        expect(highlight).to_have_text(c.quote)
        assert demo_parts.index.get_document(c.doc_id).text[c.start : c.end] == c.quote
        expect(panel.locator(".source-meta")).to_contain_text(
            f"{c.source or 'Outlet not stated'} · date not stated"
        )
        expect(panel.locator(".source-title")).to_have_text(c.title or "Untitled article")
        expect(highlight).to_be_in_viewport()
        full = panel.locator(".article-text").text_content()
        assert full == demo_parts.index.get_document(c.doc_id).text
    sources = answer.locator(".sources li")
    expect(sources).to_have_count(len({c.doc_id for c in final.citations}))


def test_follow_up_sends_the_history_and_new_conversation_forgets_it(
    live: LiveServer, pages: Pages
) -> None:
    page = pages.open(live)
    first = ask(page, QUESTION)
    assert first is not None
    with page.expect_request(lambda r: r.url.endswith("/v1/ask")) as sent:
        ask(page, "What did Kirby say about that?", press_enter=False)
    history = json.loads(sent.value.post_data or "{}")["history"]
    assert history == [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.answer},
    ]
    expect(page.get_by_test_id("answer")).to_have_count(2)
    page.get_by_role("button", name="New conversation").click()
    expect(page.get_by_test_id("answer")).to_have_count(0)
    with page.expect_request(lambda r: r.url.endswith("/v1/ask")) as sent:
        ask(page, QUESTION)
    assert json.loads(sent.value.post_data or "{}")["history"] == []


def test_unanswerable_question_is_refused_plainly(live: LiveServer, pages: Pages) -> None:
    page = pages.open(live)
    final = ask(page, "Who won the 2018 FIFA World Cup?")
    assert final is not None and not final.answerable
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(REFUSAL)
    expect(refusal).to_contain_text(f"Why: {final.refusal_reason}")
    expect(page.get_by_test_id("citation")).to_have_count(0)


def test_documents_view_lists_the_index(live: LiveServer, pages: Pages) -> None:
    page = pages.open(live)
    page.get_by_role("button", name="Documents").click()
    rows = page.get_by_test_id("documents").locator("tbody tr")
    expect(rows).to_have_count(len(DEMO_IDS))
    expect(rows.first).to_contain_text(DEMO_IDS[0])
    expect(rows.first).to_contain_text("Reuters")
    expect(page.locator("#doc-summary")).to_have_text(f"{len(DEMO_IDS)} articles are indexed.")


@pytest.fixture
def own_server(tmp_path: Path, embedder: LocalEmbedder) -> Iterator[tuple[LiveServer, Components]]:
    """A server on an empty index of its own, for tests that upload."""
    parts = build(api_settings(tmp_path), embedder)
    with parts, LiveServer(create_app(parts.settings, parts)) as server:
        yield server, parts


def test_uploaded_markup_is_shown_as_text_never_run(
    own_server: tuple[LiveServer, Components], pages: Pages
) -> None:
    server, parts = own_server
    page = pages.open(server)
    page.get_by_role("button", name="Documents").click()
    page.get_by_test_id("upload").set_input_files(
        [
            {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"},
            {"name": "quillmere.txt", "mimeType": "text/plain", "buffer": EVIL_ARTICLE.encode()},
        ]  # fmt: skip
    )
    status = page.locator("#upload-status")
    expect(status).to_contain_text("quillmere.txt: added as quillmere (1 chunk)")
    expect(status.get_by_test_id("error")).to_have_text(
        "notes.pdf: unsupported file type '.pdf' (supported: .htm, .html, .json, .jsonl, .md, .txt)"
    )
    row = page.get_by_test_id("documents").locator('tr[data-doc-id="quillmere"]')
    expect(row).to_contain_text('Harbour council <img src=x onerror="window.__pwned=2">')
    row.get_by_role("button", name="Open").click()
    panel = page.get_by_test_id("source-panel")
    expect(panel.locator(".article-text")).to_have_text(EVIL_ARTICLE)
    expect(panel.locator(".source-meta")).to_have_text("Coastal Herald · date not stated")
    assert panel.locator("script, img").count() == 0
    page.get_by_role("button", name="Ask").click()

    final = ask(page, "What did the Quillmere web notice say about the terminal cost?")
    assert final is not None and final.citations
    expect(page.get_by_test_id("answer").locator(".answer-text")).to_have_text(shown(final.answer))
    page.get_by_test_id("citation").first.click()
    expect(panel.get_by_test_id("highlight")).to_have_text(final.citations[0].quote)
    expect(panel.get_by_test_id("highlight")).to_contain_text("<script>window.__pwned=1</script>")
    assert page.locator("#messages script, #messages img, #source-panel img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"

    page.get_by_role("button", name="Documents").click()
    page.get_by_role("button", name=re.compile("^Delete Harbour council")).click()
    page.get_by_role("button", name=re.compile("^Yes, delete")).click()
    expect(page.locator("#doc-summary")).to_have_text("0 articles are indexed.")
    assert [r.doc_id for r in parts.index.iter_documents()] == []


def test_with_api_keys_the_page_asks_for_a_key_once(
    app_factory: Callable[..., FastAPI], pages: Pages
) -> None:
    with LiveServer(app_factory(api_keys="page-secret")) as server:
        page = pages.open(server)
        page.get_by_test_id("question-input").fill(QUESTION)
        page.get_by_test_id("send").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("This newsqa server needs an API key")
        dialog.get_by_label("API key").fill("wrong-key")
        dialog.get_by_role("button", name="Save key").click()
        expect(dialog).to_contain_text("The saved API key was refused (invalid API key)")
        dialog.get_by_label("API key").fill("page-secret")
        dialog.get_by_role("button", name="Save key").click()
        expect(page.get_by_test_id("answer")).to_have_attribute("data-state", "done")
        expect(page.get_by_test_id("citation").first).to_be_visible()
        assert page.evaluate("localStorage.getItem('newsqa.apiKey')") == "page-secret"

        page.reload()  # the key is kept: no second prompt
        final = ask(page, QUESTION)
        assert final is not None and final.answerable
        expect(page.get_by_role("dialog")).to_be_hidden()
        page.get_by_role("button", name="Documents").click()
        expect(page.get_by_test_id("documents").locator("tbody tr")).to_have_count(len(DEMO_IDS))


def test_a_server_that_failed_to_load_shows_its_error(demo_parts: Components, pages: Pages) -> None:
    def broken(_: Settings) -> Components:
        raise RuntimeError("the disk holding the index is gone")

    with LiveServer(create_app(demo_parts.settings, builder=broken)) as server:
        page = pages.open(server)
        assert ask(page, QUESTION) is None
        expect(page.get_by_test_id("error")).to_have_text(
            "The service is not available right now: the service failed to load: "
            "RuntimeError: the disk holding the index is gone. Try again in 5 seconds."
        )
        page.get_by_role("button", name="Documents").click()
        expect(page.locator("#doc-summary").get_by_test_id("error")).to_contain_text(
            "the disk holding the index is gone"
        )


def test_a_server_that_went_away_shows_a_message(
    app_factory: Callable[..., FastAPI], pages: Pages
) -> None:
    with LiveServer(app_factory()) as server:
        page = pages.open(server)
    page.get_by_test_id("question-input").fill(QUESTION)
    page.get_by_test_id("question-input").press("Enter")
    expect(page.get_by_test_id("error")).to_contain_text("Cannot reach the newsqa server")
    expect(page.get_by_test_id("question-input")).to_be_editable()


def test_keyboard_alone_asks_opens_a_source_and_closes_it(live: LiveServer, pages: Pages) -> None:
    page = pages.open(live)
    expect(page.get_by_test_id("question-input")).to_be_focused()
    page.keyboard.type("Who won the 2018 FIFA World Cup?")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("refusal")).to_be_visible()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    first = page.get_by_test_id("citation").first
    expect(first).to_be_visible()
    first.focus()
    assert first.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("highlight")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("source-panel")).to_be_hidden()
    expect(first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(first).to_be_focused()


def test_screenshots_desktop_and_phone(live: LiveServer, pages: Pages) -> None:
    """Writes docs/screenshot.png (the README shows it) and docs/screenshot-phone.png."""
    page = pages.open(live)
    final = ask(page, QUESTION)
    assert final is not None
    page.get_by_test_id("citation").nth(1).click()
    expect(page.get_by_test_id("highlight")).to_be_in_viewport()
    page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))

    phone = pages.open(live, PHONE)
    ask(phone, QUESTION)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.screenshot(path=str(ROOT / "docs" / "screenshot-phone.png"))
    phone.get_by_test_id("citation").first.click()
    panel = phone.get_by_test_id("source-panel")
    assert panel.bounding_box() == {"x": 0, "y": 0, **PHONE}  # the panel fills the screen
    expect(panel.get_by_test_id("highlight")).to_be_in_viewport()
    panel.get_by_role("button", name="Close the source panel").click()
    expect(panel).to_be_hidden()


def use_every_part(page: Any) -> AskResponse:
    """Asks, opens the first citation's quote and lists the documents: the answer."""
    final = ask(page, QUESTION)
    assert final is not None
    page.get_by_test_id("citation").first.click()
    expect(page.get_by_test_id("highlight")).to_be_visible()
    page.get_by_role("button", name="Documents").click()
    expect(page.get_by_test_id("documents").locator("tbody tr")).to_have_count(len(DEMO_IDS))
    return final


def test_everything_the_page_loads_comes_from_its_server(live: LiveServer, pages: Pages) -> None:
    final = use_every_part(pages.open(live))
    assert {urlsplit(u).hostname for u in pages.requests} == {"127.0.0.1"}
    assert {urlsplit(u).path for u in pages.requests} == {
        "/",
        "/static/app.css",
        *MODULES,
        "/v1/ask",
        f"/v1/documents/{final.citations[0].doc_id}",
        "/v1/documents",
    }


def test_the_modules_load_as_javascript_with_no_console_errors(
    live: LiveServer, pages: Pages
) -> None:
    """With nosniff, a module runs only if served as JavaScript, and from 'self' under the
    unchanged CSP: each part of the page works and nothing is logged as an error."""
    page = pages.open(live)
    expect(page.get_by_test_id("question-input")).to_be_focused()  # main.js ran to its end
    use_every_part(page)
    assert pages.console == [] and pages.errors == []
    assert "script-src 'self'" in httpx.get(live.url + "/").headers["content-security-policy"]
    for path in MODULES:
        served = httpx.get(live.url + path).headers["content-type"]
        assert served.split(";")[0] in {"text/javascript", "application/javascript"}, path


RENDER = """async ([answer, root]) => {
    const { renderAnswer } = await import("/static/answer-view.js");
    window.__opened = [];
    const block = document.createElement("article");
    block.className = "message answer";
    block.dataset.testid = root;
    block.append(...renderAnswer(answer, (c) => window.__opened.push(c.marker)));
    document.getElementById("messages").append(block);
}"""


def test_answer_view_shows_sources_that_disagree(live: LiveServer, pages: Pages) -> None:
    """The server does not send `conflicts` yet: a real answer from it, with conflicts added,
    rendered by the answer view's own exported function."""
    page = pages.open(live, locale="en-GB")
    final = ask(page, QUESTION)
    assert final is not None and len(final.citations) >= 2
    expect(page.get_by_test_id("answer").get_by_test_id("conflicts")).to_have_count(0)
    first, second = final.citations[:2]
    about = 'Who ended the dialogue <img src=x onerror="window.__pwned=1">'
    sides = [
        {"statement": "Washington ended it.", "markers": [first.marker],
         "sources": ["Reuters"], "published": ["2024-12-26"]},
        {"statement": "Moscow ended it.", "markers": [second.marker, 99],
         "sources": ["TASS", "Interfax"], "published": [None, None]},
    ]  # fmt: skip
    answer = final.model_dump(mode="json")
    page.evaluate(RENDER, [answer | {"conflicts": []}, "without"])
    page.evaluate(RENDER, [answer | {"conflicts": [{"about": about, "sides": sides}]}, "with"])

    expect(page.get_by_test_id("without").get_by_test_id("conflicts")).to_have_count(0)
    box = page.get_by_test_id("with").get_by_test_id("conflicts")
    expect(box.get_by_role("heading")).to_have_text("Sources disagree")
    expect(box.locator(".conflict-about")).to_have_text(about)
    shown_sides = box.get_by_test_id("conflict-side")
    expect(shown_sides).to_have_count(2)
    expect(shown_sides.nth(0).locator(".side-statement")).to_have_text(
        f"Washington ended it.{first.marker}"
    )
    expect(shown_sides.nth(0).locator(".side-where")).to_have_text("Reuters · 26 December 2024")
    expect(shown_sides.nth(1).locator(".side-statement")).to_have_text(
        f"Moscow ended it.{second.marker} [99]"  # a marker with no citation stays text
    )
    expect(shown_sides.nth(1).locator(".side-where")).to_have_text(
        "TASS · date not stated; Interfax · date not stated"
    )
    shown_sides.nth(1).get_by_test_id("citation").click()
    assert page.evaluate("window.__opened") == [second.marker]
    assert box.locator("img").count() == 0 and page.evaluate("typeof window.__pwned") == "undefined"


def test_a_disagreement_the_server_finds_is_shown_side_by_side(
    own_server: tuple[LiveServer, Components], pages: Pages
) -> None:
    """Two outlets give different costs for the same bridge: the page shows both sides, each
    with its outlet and date, and each side's citation opens its own article."""
    server, _ = own_server
    articles = [("gazette", "$180", "Harbor Gazette", "2023-09-20"),
                ("wire", "$175", "Valley Wire", "2023-09-21")]  # fmt: skip
    for doc_id, cost, outlet, day in articles:
        text = f"The Eastgate bridge will cost {cost} million, the mayor said."
        body = {"doc_id": doc_id, "source": outlet, "published": day, "text": text}
        assert httpx.post(f"{server.url}/v1/documents", json=body).status_code == 201
    page = pages.open(server, locale="en-GB")
    final = ask(page, "How much will the Eastgate bridge cost?")
    assert final is not None and final.conflicts
    box = page.get_by_test_id("answer").get_by_test_id("conflicts")
    expect(box.get_by_role("heading")).to_have_text("Sources disagree")
    sides = box.get_by_test_id("conflict-side")
    expect(sides).to_have_count(2)
    expect(box).to_contain_text("Harbor Gazette · 20 September 2023")
    expect(box).to_contain_text("Valley Wire · 21 September 2023")
    for i in range(2):
        sides.nth(i).get_by_test_id("citation").first.click()
        panel = page.get_by_test_id("source-panel")
        expect(panel.get_by_test_id("highlight")).to_contain_text("The Eastgate bridge will cost")
    expect(page.get_by_test_id("answer").locator(".answer-text")).to_contain_text("Valley Wire")
