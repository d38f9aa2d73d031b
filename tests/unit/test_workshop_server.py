"""Tests of the workshop's HTTP handlers on a bare tornado app (no Voila, no browser)."""

from __future__ import annotations

import json
import os

import pytest
from tornado.httpclient import HTTPRequest
from tornado.testing import AsyncHTTPTestCase, gen_test
from tornado.web import Application

from msp_learn.server._workshop import require_trainer, workshop_handlers

TOKEN = "unit-test-trainer-key"


@pytest.fixture(autouse=True, scope="class")
def _data(request, tmp_path_factory):
    data = tmp_path_factory.mktemp("workshop")
    saved = {k: os.environ.get(k) for k in ("MSP_LEARN_DATA", "MSP_LEARN_DB",
                                            "MSP_LEARN_TRAINER_TOKEN", "ASYNC_TEST_TIMEOUT")}
    os.environ.update(MSP_LEARN_DATA=str(data), MSP_LEARN_DB=f"sqlite:///{data / 's.sqlite'}",
                      MSP_LEARN_TRAINER_TOKEN=TOKEN, ASYNC_TEST_TIMEOUT="60")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class TestWorkshopHandlers(AsyncHTTPTestCase):
    def get_app(self):
        return Application(workshop_handlers("/"), xsrf_cookies=True)

    def call(self, method, path, body=None, headers=None):
        response = self.fetch(path, method=method, headers=headers or {}, raise_error=False,
                              body=None if body is None and method == "GET" else
                              (body if isinstance(body, bytes) else json.dumps(body or {})))
        return response.code, response

    def trainer(self, method, path, body=None):
        return self.call(method, path, body, {"X-Workshop-Trainer": TOKEN})

    def start(self):
        code, response = self.trainer("POST", "/workshop/api/sessions",
                                      {"title": "T", "plan": ["myth:msp-just-a-chat"]})
        assert code == 200, response.body
        return json.loads(response.body)

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
             403, "Only the trainer"),
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
            headers={"X-Workshop-Trainer": TOKEN}, request_timeout=60)
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
            body=json.dumps({"action": "next"}), headers={"X-Workshop-Trainer": TOKEN})
        while len(views) < 2:
            await self._wait(0.05)
        assert views[1]["status"] == "open" and views[1]["activity"]["kind"] == "myth"
        assert "correct" not in views[1]["activity"]
        stream.cancel()

    async def _wait(self, seconds):
        import asyncio

        await asyncio.sleep(seconds)


def test_require_trainer_is_the_one_check():
    """Does the trainer check refuse a missing or wrong key and accept the right one?"""
    from types import SimpleNamespace

    from tornado.web import HTTPError

    hub = SimpleNamespace(token="right")
    for given in ("", "wrong"):
        handler = SimpleNamespace(request=SimpleNamespace(headers={"X-Workshop-Trainer": given}))
        with pytest.raises(HTTPError):
            require_trainer(handler, hub)
    ok = SimpleNamespace(request=SimpleNamespace(headers={"X-Workshop-Trainer": "right"}))
    assert require_trainer(ok, hub) is None
