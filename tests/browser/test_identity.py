"""Two learners in separate browsers: neither reaches the other's work by any way we can try.

Alex signs in and writes a reflection; Bea, signed in elsewhere, tries Alex's name in URLs,
Alex's kernel id on every kernel endpoint (REST, websocket, shutdown, request info), forged
headers and cookies, and a visitor who is signed in as nobody tries every page. Each attempt
is refused (403/404, or sent to sign in), and Alex's page keeps working throughout.
"""

from __future__ import annotations

import re

import pytest

from msp_learn import identity

from .harness import sign_in

pytestmark = pytest.mark.browser

ALEX, BEA = "Alex Isolation", "Bea Isolation"
PRIVATE = "ALEX-PRIVATE-REFLECTION about Rosa"
JOURNAL = "voila/render/app.ipynb?view=journal"


def kernel_id_of(page) -> str:
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content())
    assert found, "no kernel id in the page"
    return found.group(1)


def cookie_header(context) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())


def xsrf_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")


def ws_status(url: str, cookies: str, origin: str) -> int:
    """The HTTP status a websocket handshake to ``url`` gets (101 when it opens)."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    try:
        with connect(url, additional_headers={"Cookie": cookies, "Origin": origin},
                     open_timeout=10):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


@pytest.fixture
def alex(browser, kit_server, open_app_in):
    """Alex, signed in, with a reflection saved and the journal page open."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(ctx, kit_server, ALEX)
    page = ctx.new_page()
    open_app_in(page, JOURNAL, ".msp-prompt textarea")
    page.locator(".msp-prompt textarea").first.fill(PRIVATE)
    page.click("button.msp-save-reflection")
    page.wait_for_selector("text=Reflection saved to your journal")
    yield page
    page.close(run_before_unload=True)
    ctx.close()


@pytest.fixture
def bea(browser, kit_server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(ctx, kit_server, BEA)
    yield ctx
    ctx.close()


def test_two_learners_cannot_reach_each_others_work(alex, bea, kit_server, open_app_in,
                                                    data_dir, screenshot, browser):
    base = kit_server.url
    origin = base.rstrip("/")
    alex_kernel = kernel_id_of(alex)
    refused: dict[str, int] = {}

    # 1. URLs naming Alex: refused outright, never Alex's page.
    for query in ("&learner=Alex%20Isolation", "&learner=alex+isolation",
                  "&learner=%EF%BC%A1lex%20Isolation"):                # full-width A
        response = bea.request.get(base + JOURNAL + query, max_redirects=0)
        refused[f"journal{query}"] = response.status
        assert PRIVATE not in response.text()
    page = bea.new_page()
    page.goto(base + JOURNAL + "&learner=Alex%20Isolation")
    assert "This link names another learner" in page.inner_text("main")
    screenshot(page, "names-another-learner")

    # 2. Bea's own journal and CPD record hold nothing of Alex's.
    open_app_in(page, JOURNAL, ".msp-prompt textarea")
    text = page.inner_text("body")
    assert f"Learning as {BEA}" in text and PRIVATE not in text and ALEX not in text
    page.click("button.msp-cpd")
    page.wait_for_selector(".msp-download p, a[download='cpd-record.html']")
    assert PRIVATE not in page.content()
    bea_kernel = kernel_id_of(page)
    assert bea_kernel != alex_kernel

    # 3. Alex's kernel id on every kernel endpoint, with Bea's cookie.
    xsrf = {"X-XSRFToken": xsrf_of(bea)}
    for name, call in {
        "GET /api/kernels/<alex>": lambda: bea.request.get(f"{base}api/kernels/{alex_kernel}"),
        "DELETE /api/kernels/<alex>": lambda: bea.request.delete(
            f"{base}api/kernels/{alex_kernel}", headers=xsrf),
        "POST restart": lambda: bea.request.post(
            f"{base}api/kernels/{alex_kernel}/restart", headers=xsrf),
        "POST interrupt": lambda: bea.request.post(
            f"{base}api/kernels/{alex_kernel}/interrupt", headers=xsrf),
        "POST /voila/api/shutdown/<alex>": lambda: bea.request.post(
            f"{base}voila/api/shutdown/{alex_kernel}", headers=xsrf),
        "GET /voila/query/<alex>": lambda: bea.request.get(f"{base}voila/query/{alex_kernel}"),
        "GET /voila/query/<forged proof>/<alex>": lambda: bea.request.get(
            f"{base}voila/query/{'0' * 64}/{alex_kernel}"),
        "GET /api/kernels": lambda: bea.request.get(f"{base}api/kernels"),
        "GET /api/sessions": lambda: bea.request.get(f"{base}api/sessions"),
    }.items():
        refused[name] = call().status
    ws = base.replace("http", "ws", 1)
    bea_cookies = cookie_header(bea)
    refused["ws /api/kernels/<alex>/channels"] = ws_status(
        f"{ws}api/kernels/{alex_kernel}/channels?session_id=x", bea_cookies, origin)
    refused["ws /voila/query/<alex>"] = ws_status(f"{ws}voila/query/{alex_kernel}",
                                                  bea_cookies, origin)
    refused["ws /voila/query/<forged>/<alex>"] = ws_status(
        f"{ws}voila/query/{'0' * 64}/{alex_kernel}", bea_cookies, origin)
    # The same websocket opens for Alex (so the refusals above are not a broken test).
    assert ws_status(f"{ws}api/kernels/{alex_kernel}/channels?session_id=x",
                     cookie_header(alex.context), origin) == 101

    # 4. Forged identities: a leaked kernel token in the header Voila passes to kernels, a
    #    cookie signed with another secret, a kernel token used as a cookie.
    secret = (data_dir / "server_secret").read_text().strip()
    leaked = identity.person_token(identity.Person(ALEX), secret, purpose="kernel",
                                   seconds=600)
    header_ctx = browser.new_context(extra_http_headers={identity.KERNEL_HEADER: leaked})
    try:
        sign_in(header_ctx, kit_server, BEA)
        forged_page = header_ctx.new_page()
        open_app_in(forged_page, JOURNAL, ".msp-prompt textarea")
        assert f"Learning as {BEA}" in forged_page.inner_text("body")
        assert PRIVATE not in forged_page.content()
        forged_page.close(run_before_unload=True)
    finally:
        header_ctx.close()
    host = re.sub(r"^https?://|:\d+/?$", "", origin)
    for label, token in {
        "cookie signed with another secret": identity.person_token(
            identity.Person(ALEX), "cd" * 32, purpose="cookie", seconds=600),
        "kernel token as a cookie": leaked,
    }.items():
        ctx = browser.new_context()
        try:
            ctx.add_cookies([{"name": "msp_learn_session", "value": token, "domain": host,
                              "path": "/"}])
            response = ctx.request.get(base + JOURNAL, max_redirects=0)
            refused[label] = response.status
            assert "/msp/sign-in" in response.headers.get("location", ""), label
        finally:
            ctx.close()

    assert {k: v for k, v in refused.items() if v not in (302, 403, 404)} == {}, refused
    assert {k: v for k, v in refused.items() if k.startswith(("journal", "GET /api", "DELETE",
                                                               "POST", "ws"))
            and v not in (403, 404)} == {}, refused

    # 5. Alex's page still works: nothing Bea tried stopped or touched Alex's kernel.
    alex.locator(".msp-prompt textarea").first.fill(PRIVATE + " (still here)")
    alex.click("button.msp-save-reflection")
    alex.wait_for_selector("text=Reflection saved to your journal")
    alex.click("button.msp-cpd")
    link = alex.locator("a[download='cpd-record.html']")
    link.wait_for()
    with alex.expect_download() as info:
        link.click()
    record = open(info.value.path(), encoding="utf-8").read()
    assert PRIVATE in record and BEA not in record
    page.close(run_before_unload=True)


def test_a_visitor_signed_in_as_nobody_reaches_no_page(anonymous_context, kit_server, alex):
    """Is every page and endpoint refused, or sent to sign in, without a signed-in user?"""
    base = kit_server.url
    kernel = kernel_id_of(alex)
    statuses = {}
    for path in ("", "voila/render/app.ipynb", JOURNAL, "voila/render/fixture_app.ipynb",
                 "voila/tree", "voila/files/app.ipynb", "voila/api/contents",
                 f"api/kernels/{kernel}", "voila/files/../progress.sqlite"):
        response = anonymous_context.request.get(base + path, max_redirects=0)
        statuses[path or "/"] = response.status
        assert PRIVATE not in response.text()
    post = anonymous_context.request.post(f"{base}voila/api/shutdown/{kernel}")
    statuses["POST shutdown"] = post.status
    pages = {k: v for k, v in statuses.items() if k not in ("/",)}
    assert statuses["/"] in (301, 302)  # the root redirects to the app, which needs sign-in
    assert {k: v for k, v in pages.items() if v not in (302, 403, 404)} == {}, statuses
    assert anonymous_context.request.get(base + "msp/sign-in").status == 200
