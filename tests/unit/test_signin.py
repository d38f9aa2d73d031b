"""The sign-in page's HTML, where it may send the browser next, and the apps' learner."""

from __future__ import annotations

import pytest

from msp_learn import apps, identity
from msp_learn.identity import Person
from msp_learn.server import _signin_page
from msp_learn.server._signin import safe_next

XSRF = "<input type='hidden' name='_xsrf' value='t'>"


def test_errors_are_summarised_in_an_alert_and_linked_to_their_field():
    html = _signin_page.render("new", action="/msp/sign-in", xsrf=XSRF, next_url="/", name="Bea",
                               errors={"secret2": "The two secrets are different."})
    assert "role='alert'" in html and "There is a problem" in html
    assert "<a href='#secret2'>The two secrets are different.</a>" in html
    assert "aria-invalid='true'" in html and "id='secret2-error'" in html
    assert "<title>Error: Choose a secret | MSP Learn</title>" in html
    assert "<label for='secret'>" in html and "<label for='secret2'>" in html
    assert html.count("<form") == 1 and XSRF in html


def test_what_a_visitor_typed_is_escaped_everywhere():
    evil = "<script>alert('x')</script>"
    for step in ("name", "secret", "new", "signed-in"):
        html = _signin_page.render(step, action="/msp/sign-in", xsrf=XSRF, name=evil,
                                   next_url="/voila/render/app.ipynb?x='><script>",
                                   errors={"name": evil} if step == "name" else None)
        assert "<script>" not in html, step
        assert "&lt;script&gt;" in html, step


def test_no_secret_is_ever_written_into_the_page():
    html = _signin_page.render("secret", action="/a", xsrf=XSRF, next_url="/", name="Bea",
                               errors={"secret": "That is not the secret for Bea."})
    assert "type='password' value=''" in html


@pytest.mark.parametrize("value, expected", [
    ("/voila/render/app.ipynb?view=quiz", "/voila/render/app.ipynb?view=quiz"),
    ("https://evil.example/", "/home"), ("//evil.example/x", "/home"),
    ("/\\evil.example", "/home"), ("javascript:alert(1)", "/home"), ("", "/home"),
    (None, "/home"), ("/msp/sign-out", "/home"), ("/a\r\nSet-Cookie: x", "/home"),
])
def test_sign_in_only_sends_the_browser_back_to_this_server(value, expected):
    assert safe_next(value, "/", "/home") == expected


def _built(monkeypatch, person, query):
    """Which learner the app builds a page for, given the signed-in person and the URL."""
    seen = []
    monkeypatch.setattr(apps.kernel_request, "signed_in_person", lambda: person)

    class FakeStore:
        def learner(self, name):
            return identity.Person(identity.clean_name(name))

    monkeypatch.setattr(apps, "store", lambda: FakeStore())
    result = apps._with_learner("home", lambda learner, q: seen.append(learner) or "page", query)
    return seen, result


def test_the_learner_comes_from_the_server_never_the_url(monkeypatch):
    """Does a ``learner=`` in the URL change nothing, the signed-in person being the learner?"""
    seen, result = _built(monkeypatch, Person("Bea"), {"learner": "Alex Newcomer"})
    assert seen == ["Bea"] and result == "page"


def test_without_a_signed_in_learner_the_app_asks_to_sign_in(monkeypatch):
    for person in (None, Person("the person running the kit", "lead", operator=True)):
        seen, result = _built(monkeypatch, person, {"learner": "Alex Newcomer"})
        assert seen == []
        text = "".join(getattr(child, "value", "") for child in result.children)
        assert "Sign in to continue" in text
        assert "../../msp/sign-in?next=" in text


def test_links_carry_no_names():
    assert "learner" not in apps.link("case-study", id="x")
