"""Tests of the workshop's HTTP handlers on a bare tornado app (no Voila, no browser).

The app carries the kit's identity provider, as the kit's server does: trainers are people
signed in with the role trainer (or the operator's token); learners join with no account.
"""

from __future__ import annotations

import json
import os

import pytest
from tornado.httpclient import HTTPRequest
from tornado.testing import AsyncHTTPTestCase, gen_test
from tornado.web import Application

from msp_learn import identity
from msp_learn.identity import Person
from msp_learn.server._workshop import JOINS_ENV, WRONG_CODES, joins_per_minute, workshop_handlers

TOKEN = "unit-test-operator-token"
SECRET = "ab" * 32
XSRF = "0123456789abcdef"


@pytest.fixture(autouse=True, scope="class")
def _data(request, tmp_path_factory):
    data = tmp_path_factory.mktemp("workshop")
    saved = {k: os.environ.get(k) for k in ("MSP_LEARN_DATA", "MSP_LEARN_DB",
                                            "ASYNC_TEST_TIMEOUT", JOINS_ENV)}
    os.environ.update(MSP_LEARN_DATA=str(data), MSP_LEARN_DB=f"sqlite:///{data / 's.sqlite'}",
                      ASYNC_TEST_TIMEOUT="60")
    os.environ.pop(JOINS_ENV, None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class _App(AsyncHTTPTestCase):
    joins: str | None = None

    def get_app(self):
        from msp_learn.server._auth import KitIdentityProvider
        from msp_learn.store import Store

        self.store = Store(os.environ["MSP_LEARN_DB"])
        if self.joins:
            os.environ[JOINS_ENV] = self.joins
        try:
            handlers = workshop_handlers("/")
        finally:
            os.environ.pop(JOINS_ENV, None)
        return Application(handlers, xsrf_cookies=True, base_url="/",
                           login_url="/msp/sign-in", msp_learn_secret=SECRET,
                           msp_learn_store=lambda: self.store,
                           identity_provider=KitIdentityProvider(token=TOKEN))

    def tearDown(self):
        super().tearDown()
        self.store.close()

    def call(self, method, path, body=None, headers=None, **kwargs):
        response = self.fetch(path, method=method, headers=headers or {}, raise_error=False,
                              body=None if body is None and method == "GET" else
                              (body if isinstance(body, bytes) else json.dumps(body or {})),
                              **kwargs)
        return response.code, response

    def trainer(self, method, path, body=None):
        """As a script does: the operator's token, no cookie."""
        return self.call(method, path, body, {"Authorization": f"token {TOKEN}"})

    def cookie(self, name: str, role: str = "learner") -> str:
        """The sign-in cookie of ``name`` (made a ``role``), as the sign-in page sets it."""
        if self.store.find_learner(name) is None:
            self.store.claim(name, "a good secret")
        self.store.set_role(name, role)
        fp = identity.fingerprint(self.store.secret_hash(name))
        token = identity.person_token(Person(name, role), SECRET, purpose="cookie",
                                      seconds=3600, fingerprint=fp)
        return f"msp_learn_session={token}"

    def start(self):
        code, response = self.trainer("POST", "/workshop/api/sessions",
                                      {"title": "T", "plan": ["myth:msp-just-a-chat"]})
        assert code == 200, response.body
        return json.loads(response.body)


class TestWorkshopHandlers(_App):
    def test_join_push_answer_and_resend(self):
        """Does a learner join, answer once, and get a resend reported as a duplicate?"""
        started = self.start()
        assert started["join_url"].endswith(f"/workshop?code={started['code']}")
        code = started["code"]
        status, response = self.call("POST", "/workshop/api/join",
                                     {"code": code.lower(), "alias": "Ash"})
        assert status == 200
        secret = json.loads(response.body)["secret"]
        me = {"X-Workshop-Secret": secret}
        status, response = self.call("POST", "/workshop/api/answer",
                                     {"code": code, "value": "myth", "key": "k"}, me)
        assert status == 409 and "Nothing is open" in json.loads(response.body)["error"]
        assert self.trainer("POST", f"/workshop/api/sessions/{code}/control",
                            {"action": "next"})[0] == 200
        first = json.loads(self.call("POST", "/workshop/api/answer",
                                     {"code": code, "value": "myth", "key": "k"}, me)[1].body)
        again = json.loads(self.call("POST", "/workshop/api/answer",
                                     {"code": code, "value": "myth", "key": "k"}, me)[1].body)
        assert (first["duplicate"], again["duplicate"], again["mine"]) == (False, True, "myth")
        view = json.loads(self.trainer("GET", f"/workshop/api/sessions/{code}")[1].body)
        assert view["tally"]["answered"] == 1 and view["tally"]["withheld"]
        assert json.loads(self.call("GET", f"/workshop/api/me?code={code}", None, me)[1].body)[
            "mine"] == "myth"

    def test_bad_requests_get_plain_messages(self):
        """Are bad JSON, unknown codes, strangers and non-trainers told what is wrong?"""
        code = self.start()["code"]
        cases = [
            (self.call("POST", "/workshop/api/join", b"{not json"), 400, "not valid JSON"),
            (self.call("POST", "/workshop/api/join", {"code": "ACDEF", "alias": "A"}), 404,
             "6 characters"),
            (self.call("POST", "/workshop/api/join", {"code": code, "alias": ""}), 400,
             "Type a name"),
            (self.call("GET", f"/workshop/api/me?code={code}", None,
                       {"X-Workshop-Secret": "nope"}), 401, "join again"),
            (self.call("POST", f"/workshop/api/sessions/{code}/control", {"action": "next"}),
             401, "Only a trainer"),
            (self.trainer("POST", f"/workshop/api/sessions/{code}/control", {"action": "fly"}),
             409, "Unknown action"),
            (self.trainer("POST", "/workshop/api/sessions", {"plan": ["myth:none"]}), 400,
             "no myth 'none'"),
        ]
        for (status, response), expected, message in cases:
            assert status == expected, response.body
            assert message in json.loads(response.body)["error"]
            assert b"Traceback" not in response.body

    def test_pages_qr_and_export(self):
        """Are the pages served with a strict CSP, the QR as SVG, and the export as CSV?"""
        code = self.start()["code"]
        status, page = self.call("GET", "/workshop")
        assert status == 200 and b'src="/workshop/static/learner.js"' in page.body
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        status, qr = self.call("GET", f"/workshop/qr/{code}.svg")
        assert status == 200 and qr.body.startswith(b"<svg")
        status, csv = self.trainer("GET", f"/workshop/api/sessions/{code}/export.csv")
        assert status == 200 and csv.body.decode("utf-8-sig").startswith("code,run,kind")

    @gen_test(timeout=60)
    async def test_the_stream_pushes_the_next_activity(self):
        """Does a learner's stream send the current view at once and the next push after?"""
        started = await self.http_client.fetch(
            self.get_url("/workshop/api/sessions"), method="POST",
            body=json.dumps({"plan": ["myth:msp-just-a-chat"]}),
            headers={"Authorization": f"token {TOKEN}"}, request_timeout=60)
        code = json.loads(started.body)["code"]
        joined = await self.http_client.fetch(self.get_url("/workshop/api/join"), method="POST",
                                              body=json.dumps({"code": code, "alias": "Bo"}))
        secret = json.loads(joined.body)["secret"]
        views = []

        def chunk(data: bytes) -> None:
            for part in data.decode().split("\n\n"):
                if part.startswith("data: "):
                    views.append(json.loads(part[6:]))

        request = HTTPRequest(self.get_url(f"/workshop/api/stream?code={code}"),
                              headers={"X-Workshop-Secret": secret}, streaming_callback=chunk,
                              request_timeout=20)
        stream = self.http_client.fetch(request, raise_error=False)
        while not views:
            await self._wait(0.05)
        assert views[0]["status"] == "waiting"
        await self.http_client.fetch(
            self.get_url(f"/workshop/api/sessions/{code}/control"), method="POST",
            body=json.dumps({"action": "next"}), headers={"Authorization": f"token {TOKEN}"})
        while len(views) < 2:
            await self._wait(0.05)
        assert views[1]["status"] == "open" and views[1]["activity"]["kind"] == "myth"
        assert "correct" not in views[1]["activity"]
        stream.cancel()

    async def _wait(self, seconds):
        import asyncio

        await asyncio.sleep(seconds)


class TestTrainerSignIn(_App):
    def test_only_a_signed_in_trainer_runs_a_workshop(self):
        """Is every trainer action refused to a visitor (401) and to a learner (403), with a
        plain message, and allowed to a signed-in trainer and to the operator's token?"""
        code = self.start()["code"]
        learner = {"Cookie": self.cookie("Lee Learner")}
        routes = (("POST", "", {"plan": ["myth:msp-just-a-chat"]}), ("GET", f"/{code}", None),
                  ("POST", f"/{code}/control", {"action": "lock"}),
                  ("GET", f"/{code}/export.csv", None),
                  ("POST", f"/{code}/moderate", {"id": 1, "status": "shown"}))
        base = "/workshop/api/sessions"
        for method, path, body in routes:
            status, response = self.call(method, base + path, body)
            assert status == 401 and "Only a trainer" in json.loads(response.body)["error"]
            status, response = self.call(method, base + path, body, learner)
            assert status == 403, response.body
            assert "for trainers" in json.loads(response.body)["error"]
            status, response = self.call(method, base + path, body,
                                         {"Authorization": "token wrong"})
            assert status == 401
        trainer = {"Cookie": self.cookie("Tess Trainer", "trainer") + f"; _xsrf={XSRF}",
                   "X-XSRFToken": XSRF}
        status, response = self.call("GET", base, None, trainer)
        assert status == 200 and json.loads(response.body)["trainer"] == "Tess Trainer"
        assert self.call("POST", f"{base}/{code}/control", {"action": "next"}, trainer)[0] == 200
        lead = {"Cookie": self.cookie("Lena Lead", "lead") + f"; _xsrf={XSRF}",
                "X-XSRFToken": XSRF}
        assert self.call("POST", f"{base}/{code}/control", {"action": "lock"}, lead)[0] == 200

    def test_a_cookie_signed_change_needs_the_xsrf_token(self):
        """Is a trainer's change sent by cookie alone (as a cross-site form would) refused,
        while the operator's token needs no XSRF token?"""
        code = self.start()["code"]
        cookie = self.cookie("Tess Trainer", "trainer")
        for headers in ({"Cookie": cookie}, {"Cookie": cookie + f"; _xsrf={XSRF}",
                                             "X-XSRFToken": "0" * 16}):
            status, response = self.call("POST", f"/workshop/api/sessions/{code}/control",
                                         {"action": "next"}, headers)
            assert status == 403 and "security check" in json.loads(response.body)["error"]
        assert self.trainer("POST", f"/workshop/api/sessions/{code}/control",
                            {"action": "next"})[0] == 200

    def test_the_trainer_page_asks_visitors_to_sign_in_and_learners_are_told(self):
        """Is a visitor sent to sign in (and back), a learner told the page is for trainers,
        and a trainer given the page with its XSRF cookie?"""
        status, response = self.call("GET", "/workshop/trainer?code=ABCDEF",
                                     follow_redirects=False)
        assert status == 302
        assert response.headers["Location"] == (
            "/msp/sign-in?next=%2Fworkshop%2Ftrainer%3Fcode%3DABCDEF")
        status, response = self.call("GET", "/workshop/trainer",
                                     headers={"Cookie": self.cookie("Lee Learner")})
        assert status == 403 and b"This page is for trainers" in response.body
        assert b"signed in as a learner" in response.body
        status, response = self.call("GET", "/workshop/trainer",
                                     headers={"Cookie": self.cookie("Tess Trainer", "trainer")})
        assert status == 200 and b'id="run-section"' in response.body
        assert "_xsrf=" in response.headers.get("Set-Cookie", "")


class TestJoinLimits(_App):
    joins = "3"

    def test_joins_per_address_are_limited_with_a_plain_message(self):
        """Are a fourth join within a minute from one address, and a flood of wrong codes,
        refused with 429, a wait in words and Retry-After, keeping what was joined?"""
        code = self.start()["code"]
        for alias in ("Ash", "Bo", "Cy"):
            assert self.call("POST", "/workshop/api/join", {"code": code, "alias": alias})[0] == 200
        status, response = self.call("POST", "/workshop/api/join", {"code": code, "alias": "Di"})
        assert status == 429
        message = json.loads(response.body)["error"]
        assert "Too many tries to join" in message and "second" in message
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        view = json.loads(self.trainer("GET", f"/workshop/api/sessions/{code}")[1].body)
        assert view["joined"] == 3

    def test_wrong_codes_are_limited(self):
        """After WRONG_CODES wrong codes, is even the right code refused for a while?"""
        os.environ[JOINS_ENV] = "1000"
        code = self.start()["code"]
        for _ in range(WRONG_CODES):
            assert self.call("POST", "/workshop/api/join",
                             {"code": "ACDEFG", "alias": "X"})[0] == 404
        status, response = self.call("POST", "/workshop/api/join", {"code": code, "alias": "Y"})
        assert status == 429 and "Wait" in json.loads(response.body)["error"]


def test_the_join_limit_setting_is_read_safely(monkeypatch):
    """Is a bad MSP_LEARN_WORKSHOP_JOINS ignored for the default, and a good one used?"""
    for bad in ("", "many", "0", "-5"):
        monkeypatch.setenv(JOINS_ENV, bad)
        assert joins_per_minute() == 200
    monkeypatch.setenv(JOINS_ENV, "500")
    assert joins_per_minute() == 500


class TestLinking(_App):
    def join(self, code, alias, cookie=None):
        status, response = self.call("POST", "/workshop/api/join", {"code": code, "alias": alias},
                                     {"Cookie": cookie} if cookie else {})
        assert status == 200, response.body
        return json.loads(response.body)

    def test_a_signed_in_learner_links_only_by_choice(self):
        """Does a signed-in learner join anonymous-by-default (account offered, not linked),
        link by their own choice to their own account, see answers in their progress, and
        unlink; is an anonymous participant or the operator refused a link?"""
        code = self.start()["code"]
        cookie = self.cookie("Priya Shah")
        joined = self.join(code, "Otter", cookie)
        assert joined["account"] == "Priya Shah" and joined["view"]["linked"] is False
        me = {"X-Workshop-Secret": joined["secret"], "Cookie": cookie}
        self.trainer("POST", f"/workshop/api/sessions/{code}/control", {"action": "next"})
        self.call("POST", "/workshop/api/answer", {"code": code, "value": "myth", "key": "k1"}, me)
        assert self.store.progress("Priya Shah") == []
        status, response = self.call("POST", "/workshop/api/link", {"code": code, "link": "yes"},
                                     me)
        assert status == 400 and "true or false" in json.loads(response.body)["error"]
        status, response = self.call("POST", "/workshop/api/link", {"code": code, "link": True},
                                     me)
        assert status == 200 and json.loads(response.body)["linked"] is True
        (kept,) = self.store.progress("Priya Shah")
        assert kept.activity_kind == "workshop" and kept.state["answers"][0]["answer"] == "Myth"
        me_view = json.loads(self.call("GET", f"/workshop/api/me?code={code}", None, me)[1].body)
        assert me_view["linked"] and me_view["account"] == "Priya Shah"
        status, response = self.call("POST", "/workshop/api/link", {"code": code, "link": False},
                                     me)
        assert status == 200 and not json.loads(response.body)["linked"]
        assert self.store.progress("Priya Shah") == []

        anonymous = self.join(code, "Heron")
        assert anonymous["account"] is None
        status, response = self.call("POST", "/workshop/api/link", {"code": code, "link": True},
                                     {"X-Workshop-Secret": anonymous["secret"]})
        assert status == 401 and "Sign in" in json.loads(response.body)["error"]
        status, response = self.call("POST", "/workshop/api/link", {"code": code, "link": True},
                                     {"X-Workshop-Secret": anonymous["secret"],
                                      "Authorization": f"token {TOKEN}"})
        assert status == 403 and "no progress of their own" in json.loads(response.body)["error"]
        status, response = self.call("POST", "/workshop/api/link", {"code": code, "link": True},
                                     {"Cookie": cookie})
        assert status == 401 and "join again" in json.loads(response.body)["error"]


def test_workshop_start_makes_the_workshop_in_the_store(capsys, tmp_path, monkeypatch):
    """Does 'msp-learn workshop start' make the workshop in the store the server reads, print
    the code, room link (the public address when set), QR and trainer page, say how to become
    a trainer, note that no server answers yet, and explain a bad activity with exit 2?"""
    from msp_learn.cli import main
    from msp_learn.store import Store, WorkshopStore

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("MSP_LEARN_PUBLIC_URL", "http://192.0.2.10:8866/")
    assert main(["workshop", "start", "--db", url, "--url", "http://127.0.0.1:9/",
                 "--title", "Tuesday", "--add", "myth:msp-just-a-chat"]) == 0
    out, err = capsys.readouterr()
    with Store(url) as store:
        (row,) = WorkshopStore(store).sessions()
    assert row.title == "Tuesday" and row.state["plan"] == [{"myth": "msp-just-a-chat"}]
    assert f"Join code:      {row.code}" in out
    assert f"http://192.0.2.10:8866/workshop?code={row.code}" in out
    assert f"http://127.0.0.1:9/workshop/trainer?code={row.code}" in out
    assert f"http://127.0.0.1:9/workshop/qr/{row.code}.svg" in out
    assert "msp-learn learner role NAME trainer" in out
    assert "no kit server answers" in err
    assert main(["workshop", "start", "--db", url, "--add", "myth:no-such-myth"]) == 2
    assert "no myth 'no-such-myth'" in capsys.readouterr().err


def test_the_gallery_signposts_the_workshop_and_trainers_get_the_trainer_page(tmp_path,
                                                                             monkeypatch):
    """Does every learner's gallery offer to join a live workshop, and only a trainer's (or a
    lead's) also link to the trainer's page?"""
    from msp_learn import apps
    from msp_learn.store import Store

    with Store(f"sqlite:///{tmp_path / 'g.sqlite'}") as store:
        monkeypatch.setattr(apps, "store", lambda: store)
        for name, role in (("Lee", "learner"), ("Tess", "trainer"), ("Lena", "lead")):
            store.learner(name)
            store.set_role(name, role)
        learner, trainer, lead = (apps._workshop_cards(n) for n in ("Lee", "Tess", "Lena"))
    assert "href='../../workshop'" in learner and "workshop/trainer" not in learner
    for html in (trainer, lead):
        assert "href='../../workshop/trainer'" in html and "Run a live workshop" in html
