"""Browser test of the live workshop: one trainer page and ten learner pages in Chromium.

The workshop's pages need no kernel, so this module starts its own kit server with no
preheated pool (the same server and handlers ``msp-learn serve`` runs; one it can restart).
The trainer signs in through the kit's sign-in (``harness.sign_in``) with the role trainer;
the test's own HTTP calls use the operator's token, as a script would. The pages' own
Content-Security-Policy is bypassed (axe is injected inline), so the hostile-text checks
prove the escaping itself, not the CSP behind it.
"""

from __future__ import annotations

import os
import re
import subprocess

import httpx
import pytest

from msp_learn.server import spawn, stop, wait_until_listening
from msp_learn.store import Store

from .harness import ARTIFACTS, REPO, TEST_SECRET, describe_violations, free_port, sign_in

pytestmark = pytest.mark.browser

TOKEN = "browser-test-operator-token"
OPERATOR = {"Authorization": f"token {TOKEN}"}
TRAINER = "Tess Trainer"
LEARNERS = 10
HOSTILE = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=1</script>",
           "=HYPERLINK(\"http://x\")"]
HOSTILE_ALIAS = "<img src=x onerror=__pwned=1>"  # 29 characters: a whole alias
WAIT = 20_000


class WorkshopServer:
    """The module's kit server; :meth:`restart` stops it and starts it again on the same
    port and data (as after a crash or a reboot)."""

    def __init__(self, data, port: int) -> None:
        self.data, self.port, self.proc = data, port, None
        self.url = ""

    def start(self) -> str:
        log = (ARTIFACTS / "workshop-server.log").open("a")
        self.proc = spawn(apps_dir=REPO / "voila_apps", port=self.port, pool_size=0, stdout=log,
                          stderr=subprocess.STDOUT,
                          env={**os.environ, "MSP_LEARN_DATA": str(self.data),
                               "MSP_LEARN_DB": f"sqlite:///{self.data / 'store.sqlite'}",
                               "MSP_LEARN_TOKEN": TOKEN,
                               "MSP_LEARN_CONTENT": str(REPO)})
        log.close()
        self.url = wait_until_listening(self.proc, "127.0.0.1", self.port, timeout=90)
        return self.url

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)

    def restart(self) -> str:
        self.stop()
        return self.start()

    @property
    def store_url(self) -> str:
        return f"sqlite:///{self.data / 'store.sqlite'}"

    def account(self, name: str, role: str = "learner") -> None:
        """Give ``name`` an account (secret TEST_SECRET) with ``role``, as the person running
        the kit does with 'msp-learn learner role NAME ROLE'."""
        with Store(self.store_url) as store:
            if store.find_learner(name) is None:
                store.claim(name, TEST_SECRET)
            store.set_role(name, role)

    def signed_in(self, browser, name: str, role: str = "learner", **options):
        """A new browser context signed in as ``name`` (given ``role`` first)."""
        self.account(name, role)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        ctx = browser.new_context(locale="en-GB", **options)
        sign_in(ctx, self, name)
        return ctx


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "workshop-server.log").write_text("")
    handle = WorkshopServer(tmp_path_factory.mktemp("workshop-data"), free_port())
    try:
        handle.start()
        yield handle
    finally:
        handle.stop()


def _start(url: str, plan: list[str]) -> str:
    response = httpx.post(f"{url}workshop/api/sessions", json={"title": "Browser room",
                          "plan": plan}, headers=OPERATOR, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["code"]


def _count(trainer, value: str) -> str:
    return trainer.locator(f'.bars li[data-value="{value}"] .count').get_attribute(
        "data-count", timeout=WAIT)


def _wait_counts(trainer, expected: dict[str, int]) -> None:
    script = """(expected) => Object.entries(expected).every(([v, n]) => {
        const c = document.querySelector(`.bars li[data-value="${v}"] .count`);
        return c && c.dataset.count === String(n); })"""
    trainer.wait_for_function(script, arg=expected, timeout=WAIT)


def test_a_room_of_ten_follows_the_trainer(server, browser, screenshot, axe):
    """Do ten learners join, follow pushes without reloading, and have every vote charted;
    do lock, reveal and reset reach every screen; does hostile text never run; does a
    learner who reloads, or whose answer is resent after a lost connection, count once?"""
    url = server.url
    code = _start(url, ["myth:msp-just-a-chat", "text:One thing you will do differently",
                        "scale:How confident are you now?"])
    trainer_ctx = server.signed_in(browser, TRAINER, "trainer", bypass_csp=True)
    trainer = trainer_ctx.new_page()
    trainer.goto(f"{url}workshop/trainer?code={code}")
    trainer.locator("#join-code").filter(has_text=code).wait_for(timeout=WAIT)
    trainer.locator("#who").filter(has_text=TRAINER).wait_for(timeout=WAIT)

    learners = []
    for i in range(LEARNERS):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB",
                                  bypass_csp=True)
        page = ctx.new_page()
        page.goto(f"{url}workshop?code={code.lower()}")
        page.fill("#alias", HOSTILE_ALIAS if i == 1 else f"Learner {i}")
        page.click("#join-button")
        learners.append(page)
    for page in learners:
        page.get_by_text("Waiting for the trainer's first question").wait_for(timeout=WAIT)
    trainer.locator("#joined").filter(has_text="10 people have joined").wait_for(timeout=WAIT)
    assert axe(learners[0]) == [], describe_violations(axe(learners[0]))

    # push: every screen follows without a reload
    trainer.click("#next")
    votes = ["myth"] * 7 + ["reality"] * 3
    for page, vote in zip(learners, votes, strict=True):
        page.locator(f'button[data-value="{vote}"]').click(timeout=WAIT)
    for page, vote in zip(learners, votes, strict=True):
        page.locator(f'button[data-value="{vote}"][aria-pressed="true"]').wait_for(timeout=WAIT)
    _wait_counts(trainer, {"myth": 7, "reality": 3})
    trainer.get_by_text("10 of 10 answered").wait_for(timeout=WAIT)
    # a changed vote replaces the first: still ten answers
    learners[9].locator('button[data-value="myth"]').click()
    _wait_counts(trainer, {"myth": 8, "reality": 2})
    trainer.get_by_text("10 of 10 answered").wait_for(timeout=WAIT)
    screenshot(learners[0], "learner-390")

    # lock: learners' buttons close; unlock opens them again
    trainer.click("#lock")
    for page in learners:
        page.get_by_text("Answers are closed.").wait_for(timeout=WAIT)
        assert page.locator('button[data-value="myth"]').is_disabled()
    trainer.click("#unlock")
    learners[0].locator('button[data-value="myth"]:not([disabled])').wait_for(timeout=WAIT)

    # reveal: the answer reaches every screen and is marked on the chart in words
    assert trainer.locator(".bars li.correct").count() == 0
    trainer.click("#reveal")
    for page in learners:
        page.get_by_text("The answer: Myth").wait_for(timeout=WAIT)
    assert trainer.locator('.bars li.correct[data-value="myth"]').count() == 1
    screenshot(trainer, "trainer-1280")
    trainer.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(trainer, "trainer-1920")
    trainer.set_viewport_size({"width": 1280, "height": 900})
    assert axe(trainer) == [], describe_violations(axe(trainer))

    # reset: answers cleared everywhere, voting open again
    trainer.click("#reset")
    trainer.get_by_text("0 of 10 answered").wait_for(timeout=WAIT)
    trainer.get_by_text("Results appear when at least 3 people").wait_for(timeout=WAIT)
    for page in learners:
        page.locator('button[data-value="myth"][aria-pressed="false"]:not([disabled])').wait_for(
            timeout=WAIT)
    for page in learners[:4]:
        page.locator('button[data-value="reality"]').click()
    _wait_counts(trainer, {"myth": 0, "reality": 4})

    # a reload comes back to the current activity with the learner's answer
    learners[0].reload()
    learners[0].locator('button[data-value="reality"][aria-pressed="true"]').wait_for(timeout=WAIT)

    # an answer given while offline is sent when the connection is back, and counted once
    offline = learners[5]
    offline.context.set_offline(True)
    offline.locator('button[data-value="myth"]').click()
    offline.get_by_text("Not sent yet").wait_for(timeout=WAIT)
    offline.context.set_offline(False)
    offline.locator('button[data-value="myth"][aria-pressed="true"]').wait_for(timeout=WAIT)
    _wait_counts(trainer, {"myth": 1, "reality": 4})
    trainer.get_by_text("5 of 10 answered").wait_for(timeout=WAIT)

    # free text: hidden until shown, hostile text shown as text and never run
    trainer.click("#next")
    texts = [*HOSTILE, "Ask what they want", "Listen first", "Check capacity",
             "Record their words", "Involve an advocate", "Be curious", "Stay with it"]
    for page, text in zip(learners, texts, strict=True):
        page.locator("#text-answer").fill(text, timeout=WAIT)
        page.get_by_role("button", name="Send").click()
    for page in learners:
        page.get_by_text("Your answer:").wait_for(timeout=WAIT)
    trainer.get_by_text("10 of 10 answered").wait_for(timeout=WAIT)
    assert trainer.locator("#stage .entries li").count() == 0  # nothing shown yet
    trainer.click("#moderation summary")
    for _ in range(len(texts)):
        trainer.locator('#queue button[data-status="shown"]').first.click()
        trainer.wait_for_timeout(100)
    trainer.wait_for_function("() => document.querySelectorAll('#stage .entries li').length === 10",
                              timeout=WAIT)
    shown = trainer.locator("#stage .entries li").all_inner_texts()
    assert set(HOSTILE) <= set(shown)
    trainer.locator("#queue li").filter(has_text=HOSTILE[0]).locator(
        'button[data-status="removed"]').click()
    trainer.wait_for_function("() => document.querySelectorAll('#stage .entries li').length === 9",
                              timeout=WAIT)
    assert trainer.get_by_text(HOSTILE_ALIAS, exact=False).count() >= 1  # alias as text
    screenshot(trainer, "trainer-text")
    for page in [trainer, *learners]:
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("main img:not(#qr), main script, main b").count() == 0

    # the export neutralises formula-like cells
    csv_text = httpx.get(f"{url}workshop/api/sessions/{code}/export.csv",
                         headers=OPERATOR).text
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text

    # learners follow to the next activity and to the end without reloading
    trainer.click("#next")
    for page in learners:
        page.locator('.scale button[data-value="3"]').wait_for(timeout=WAIT)
    trainer.once("dialog", lambda dialog: dialog.accept())
    trainer.click("#end")
    for page in learners:
        page.get_by_text("The workshop has ended").wait_for(timeout=WAIT)
    for page in [trainer, *learners]:
        page.context.close()


def test_only_a_signed_in_trainer_gets_the_trainer_page(server, browser, screenshot, axe):
    """Is a visitor sent to sign in and a learner told the page is for trainers (in words, at
    phone width, axe-clean), while every trainer API call without a trainer is refused?"""
    code = _start(server.url, ["myth:msp-just-a-chat"])
    base = f"{server.url}workshop/api/sessions"
    for method, path in (("POST", ""), ("GET", f"/{code}"), ("POST", f"/{code}/control"),
                         ("GET", f"/{code}/export.csv"), ("POST", f"/{code}/moderate")):
        response = httpx.request(method, base + path, json={"action": "next"})
        assert response.status_code == 401
        assert "Only a trainer" in response.json()["error"]
    visitor = browser.new_context(locale="en-GB")
    page = visitor.new_page()
    page.goto(f"{server.url}workshop/trainer?code={code}")
    page.locator("input[name=name]").wait_for(timeout=WAIT)  # the kit's sign-in form
    assert "sign-in" in page.url
    visitor.close()
    learner = server.signed_in(browser, "Lee Learner", viewport={"width": 390, "height": 844},
                               bypass_csp=True)
    page = learner.new_page()
    response = page.goto(f"{server.url}workshop/trainer")
    assert response.status == 403
    page.get_by_text("This is for trainers; you are signed in as a learner").wait_for(
        timeout=WAIT)
    screenshot(page, "refused-390")
    assert axe(page) == [], describe_violations(axe(page))
    learner.close()


def test_a_trainer_starts_a_workshop_from_the_trainer_page(server, browser, screenshot, axe):
    """Does a signed-in trainer start a workshop from the page and get the join code, the
    link and a QR code (drawn locally) at projector and phone widths, axe-clean?"""
    ctx = server.signed_in(browser, TRAINER, "trainer", bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server.url}workshop/trainer")
    page.locator("#start-form").wait_for(timeout=WAIT)
    page.locator("#who").filter(has_text=TRAINER).wait_for(timeout=WAIT)
    assert axe(page) == [], describe_violations(axe(page))
    screenshot(page, "start-1280")
    page.fill("#title", "Thursday refresher")
    page.fill("#plan", "myth:msp-just-a-chat\nscale:How sure are you?")
    page.get_by_role("button", name="Start the workshop").click()
    code = page.locator("#join-code")
    code.filter(has_text=re.compile(r"^[A-Z0-9]{6}$")).wait_for(timeout=WAIT)
    assert page.locator("#join-link").inner_text().endswith("/workshop")
    page.wait_for_function("() => document.getElementById('qr').naturalWidth > 0",
                           timeout=WAIT)
    assert page.locator("#workshop-title").inner_text() == "Thursday refresher"
    assert axe(page) == [], describe_violations(axe(page))
    screenshot(page, "join-1280")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "join-1920")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "join-390")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    ctx.close()


def test_a_signed_in_learner_chooses_to_link_their_alias(server, browser, screenshot, axe):
    """Is a signed-in learner offered (never given) the link; once ticked, do their answers
    reach their own progress; does an anonymous learner see only how to sign in?"""
    code = _start(server.url, ["myth:msp-just-a-chat"])
    ctx = server.signed_in(browser, "Priya Shah", viewport={"width": 390, "height": 844},
                           bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server.url}workshop?code={code}")
    page.fill("#alias", "Otter")
    page.click("#join-button")
    box = page.locator("#link-me")
    box.wait_for(timeout=WAIT)
    assert not box.is_checked()
    assert "Priya Shah" in page.locator("#link-label").inner_text()
    assert "Otter" in page.locator("#link-label").inner_text()
    box.check()
    page.get_by_text("Linked: your answers").wait_for(timeout=WAIT)
    assert axe(page) == [], describe_violations(axe(page))
    httpx.post(f"{server.url}workshop/api/sessions/{code}/control", json={"action": "next"},
               headers=OPERATOR, timeout=60).raise_for_status()
    page.locator('button[data-value="myth"]').click(timeout=WAIT)
    page.locator('button[data-value="myth"][aria-pressed="true"]').wait_for(timeout=WAIT)
    screenshot(page, "linked-390")
    with Store(server.store_url) as store:
        (kept,) = [p for p in store.progress("Priya Shah") if p.activity_kind == "workshop"]
    assert kept.activity_id == code and kept.state["answers"][0]["answer"] == "Myth"
    page.reload()  # the choice is kept across a reload
    page.locator("#link-me:checked").wait_for(timeout=WAIT)
    ctx.close()

    anonymous = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = anonymous.new_page()
    page.goto(f"{server.url}workshop?code={code}")
    page.fill("#alias", "Heron")
    page.click("#join-button")
    page.locator("#link-hint").wait_for(timeout=WAIT)
    assert page.locator("#link-box").is_hidden()
    anonymous.close()


def test_a_learner_who_loses_the_connection_catches_up(server, browser, screenshot):
    """When the connection drops (here: the server restarts), does the learner's page say
    so, reconnect by itself, and show what the trainer pushed meanwhile with no reload?"""
    url = server.url
    code = _start(url, ["myth:msp-just-a-chat", "scale:How sure are you?"])
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = ctx.new_page()
    page.goto(f"{url}workshop?code={code}")
    page.fill("#alias", "Traveller")
    page.click("#join-button")
    page.get_by_text("Connected").wait_for(timeout=WAIT)

    def control(action):
        response = httpx.post(f"{server.url}workshop/api/sessions/{code}/control",
                              json={"action": action}, headers=OPERATOR,
                              timeout=60)
        assert response.status_code == 200, response.text

    control("next")
    page.locator('button[data-value="myth"]').click(timeout=WAIT)
    page.locator('button[data-value="myth"][aria-pressed="true"]').wait_for(timeout=WAIT)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    server.stop()
    page.get_by_text("Connection lost: reconnecting").wait_for(timeout=WAIT)
    server.start()
    control("next")  # pushed while the learner was away; the room came back from the store
    page.locator('.scale button[data-value="3"]').wait_for(timeout=30_000)
    page.get_by_text("Connected").wait_for(timeout=WAIT)
    assert navigations == []  # caught up without a reload
    screenshot(page, "caught-up")
    ctx.close()
