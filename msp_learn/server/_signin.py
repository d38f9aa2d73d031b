"""The sign-in and sign-out pages: tornado handlers in the kit's server (no kernel).

A learner gives a name; a new name chooses a secret (typed twice), a taken one asks for its
secret. Wrong secrets are limited per name and per address. On success the server sets the
signed, HttpOnly, SameSite=Lax cookie (:class:`KitIdentityProvider`) and sends the browser on
to the page it came from.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any
from urllib.parse import urlencode, urlsplit

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join

from msp_learn import identity
from msp_learn.identity import Person
from msp_learn.server import _signin_page
from msp_learn.server._auth import person_of

SIGN_IN = "msp/sign-in"
SIGN_OUT = "msp/sign-out"
#: Wrong secrets allowed per name, and per address, within WINDOW seconds.
PER_NAME, PER_ADDRESS, WINDOW = 5, 60, 300.0


def limiters() -> dict[str, identity.RateLimiter]:
    """The server's limiters for wrong secrets (kept in the tornado settings)."""
    return {"name": identity.RateLimiter(PER_NAME, WINDOW),
            "address": identity.RateLimiter(PER_ADDRESS, WINDOW)}


def safe_next(value: str | None, base_url: str, default: str) -> str:
    """``value`` if it is a path on this server (never another site, never the sign-in
    pages themselves); else ``default``."""
    if not value or any(c in value for c in "\r\n\\") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith(base_url):
        return default
    if parts.path.startswith(url_path_join(base_url, "msp/sign-")):
        return default
    return value


def refusal(message: str, home: str) -> str:
    """A plain page saying why a request was refused, with a way back."""
    from html import escape

    return (f"<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Not "
            f"allowed | MSP Learn</title><style>{_signin_page.CSS}</style></head><body>"
            "<header><p>MSP Learn: Making Safeguarding Personal</p></header><main id='main'>"
            f"<h1>Not allowed</h1><p role='alert'>{escape(message)}</p><p><a href='"
            f"{escape(home)}'>Go to the gallery</a></p></main></body></html>")


class _SignInBase(JupyterHandler):
    @property
    def sign_in_url(self) -> str:
        return url_path_join(self.base_url, SIGN_IN)

    @property
    def sign_out_url(self) -> str:
        return url_path_join(self.base_url, SIGN_OUT)

    @property
    def next_url(self) -> str:
        home = self.settings.get("msp_learn_home") or self.base_url
        return safe_next(self.get_argument("next", None), self.base_url, home)

    def show(self, step: str, *, status: int = 200, **kwargs: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(_signin_page.render(
            step, action=self.sign_in_url, xsrf=self.xsrf_form_html(), next_url=self.next_url,
            sign_out_url=self.sign_out_url + "?" + urlencode({"next": self.next_url}),
            app_url=self.settings.get("msp_learn_home") or self.base_url, **kwargs))


class SignInHandler(_SignInBase):
    """``GET/POST /msp/sign-in``."""

    @allow_unauthenticated
    def get(self) -> None:
        person = person_of(self)
        if person is not None and not person.operator:
            self.show("signed-in", name=person.name)
            return
        notice = "You have signed out." if self.get_argument("signed_out", "") else ""
        self.show("name", notice=notice)

    async def _run(self, function, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)

    @allow_unauthenticated
    async def post(self) -> None:
        step = self.get_body_argument("step", "name")
        raw = self.get_body_argument("name", "")
        try:
            name = identity.clean_name(raw)
        except ValueError as exc:
            message = str(exc)
            self.show("name", name=raw, errors={"name": message[:1].upper() + message[1:] + "."})
            return
        store = self.settings["msp_learn_store"]()
        known = await self._run(store.find_learner, name)
        if known is not None:
            name = known.name  # as they first typed it
        if step == "secret":
            await self._secret(store, name)
        elif step == "new":
            await self._new(store, name)
        else:
            stored = await self._run(store.secret_hash, name)
            self.show("secret" if stored else "new", name=name)

    async def _secret(self, store: Any, name: str) -> None:
        secret = self.get_body_argument("secret", "")
        if not secret:
            self.show("secret", name=name, errors={"secret": "Enter your secret."})
            return
        limits = self.settings["msp_learn_limits"]
        key, address = identity.name_key(name), self.request.remote_ip or "?"
        wait = max(limits["name"].blocked(key), limits["address"].blocked(address))
        if wait:
            minutes = max(1, math.ceil(wait / 60))
            self.show("secret", name=name, status=429, errors={"secret": (
                f"Too many wrong secrets. Wait {minutes} minute{'s' if minutes > 1 else ''} "
                "and try again, or ask the person running the kit to reset your secret.")})
            return
        stored = await self._run(store.secret_hash, name)
        if stored is None:  # no such learner any more, or no secret yet: say which
            if await self._run(store.find_learner, name):
                self.show("new", name=name, notice=(
                    f"{name} has no secret yet. Choose one now to keep this work yours."))
            else:
                self.show("name", name=name, errors={"name": (
                    f"There is no one called {name} here any more. Check the name, or "
                    "choose a new one.")})
            return
        if not await self._run(identity.verify_secret, secret, stored):
            limits["name"].failed(key)
            limits["address"].failed(address)
            self.log.warning("Wrong secret for a learner from %s", address)
            self.show("secret", name=name, errors={"secret": (
                f"That is not the secret for {name}. Check it and try again. If this name "
                "is not yours, choose another name.")})
            return
        limits["name"].succeeded(key)
        learner = await self._run(store.find_learner, name)
        self._signed_in(Person(learner.name, learner.role))

    async def _new(self, store: Any, name: str) -> None:
        secret = self.get_body_argument("secret", "")
        again = self.get_body_argument("secret2", "")
        errors = {}
        try:
            identity.check_secret(secret)
        except ValueError as exc:
            errors["secret"] = str(exc)[:1].upper() + str(exc)[1:] + "."
        if not errors and secret != again:
            errors["secret2"] = "The two secrets are different. Type the same secret twice."
        if errors:
            self.show("new", name=name, errors=errors)
            return
        from msp_learn.store import NameTakenError

        try:
            learner = await self._run(store.claim, name, secret)
        except NameTakenError:
            self.show("secret", name=name, notice=(
                f"Someone has just taken the name {name}. If it is you, enter its secret; "
                "if not, choose another name."))
            return
        self._signed_in(Person(learner.name, learner.role))

    def _signed_in(self, person: Person) -> None:
        provider = self.identity_provider
        provider.set_login_cookie(self, provider.user_for(person))
        self.redirect(self.next_url, status=303)


class SignOutHandler(_SignInBase):
    """``GET /msp/sign-out``: forget the cookie, then the sign-in page ("not you?")."""

    @allow_unauthenticated
    def get(self) -> None:
        self.identity_provider.clear_login_cookie(self)
        self.redirect(self.sign_in_url + "?" + urlencode({"signed_out": 1,
                                                          "next": self.next_url}))
