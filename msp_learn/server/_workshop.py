"""The live workshop's HTTP side: two light pages and a small JSON + event-stream API.

No kernel per learner: a learner's page is a static HTML+JS file; it joins with a code and
an alias, then follows the trainer's pushes over a server-sent event stream (read with
``fetch`` so no secret goes in a URL). Every handler only passes input to
:class:`msp_learn.workshop.room.Room` and draws what it returns.

Routes (under the server's base URL):
    GET  workshop                      the learner's page (``?code=`` fills in the code)
    GET  workshop/trainer              the trainer's page (signed in as a trainer)
    POST workshop/api/join             {code, alias} -> {secret, view}
    GET  workshop/api/me?code=         the learner's view (header X-Workshop-Secret)
    POST workshop/api/answer           {code, value, key} (header X-Workshop-Secret)
    POST workshop/api/link             {code, link}: count my answers in my own progress
                                       (X-Workshop-Secret, and signed in to the kit)
    GET  workshop/api/stream?code=     learner view, pushed on every change
    POST workshop/api/sessions         trainer: {title, plan} -> {code, join_url}
    GET  workshop/api/sessions/CODE    trainer view; .../stream pushes it; .../export.csv
    POST workshop/api/sessions/CODE/control   {action, index?, choice?}
    POST workshop/api/sessions/CODE/moderate  {id, status}
    GET  workshop/qr/CODE.svg          QR code of the join link (public: it holds no secret)

Who the trainer is comes from the kit's sign-in (the server's identity provider: the signed
cookie, or the operator's token in an ``Authorization: token ...`` header for scripts), and
:func:`require_trainer` is the one check. Learners need no account: they join with the code
and an alias; a learner who is signed in may choose to link the alias to their account.
"""

from __future__ import annotations

import asyncio
import functools
import html
import inspect
import json
import math
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jupyter_server.utils import url_path_join
from tornado.iostream import StreamClosedError
from tornado.web import HTTPError, RequestHandler, StaticFileHandler

from msp_learn import identity
from msp_learn.identity import Person
from msp_learn.workshop.activities import ActivityError
from msp_learn.workshop.codes import CodeError
from msp_learn.workshop.session import SessionError

PAGES = Path(__file__).resolve().parent / "workshop_pages"
HEARTBEAT_SECONDS = 15.0
TRAINER_COALESCE_SECONDS = 0.05
BATCH_WINDOW_SECONDS = 0.005
#: Joins allowed per client address per minute (a whole room on one shared network counts
#: as one address, so this is a room's worth); ``$MSP_LEARN_WORKSHOP_JOINS`` changes it.
JOINS_PER_MINUTE = 200
JOINS_ENV = "MSP_LEARN_WORKSHOP_JOINS"
#: Wrong join codes allowed per client address in WRONG_CODE_WINDOW seconds.
WRONG_CODES, WRONG_CODE_WINDOW = 30, 300.0


class Batcher:
    """Answers (or joins) arriving within a few milliseconds of each other are written in one
    transaction (group commit): one disk flush per burst instead of one per request, so a
    room answering or joining at once does not queue behind the disk. Each request is
    answered only after its transaction commits.

    ``apply(room, items)`` takes a room and the burst's items and returns one result (or
    exception) per item; by default the room's ``answer_many``.
    """

    def __init__(self, window: float = BATCH_WINDOW_SECONDS, apply=None) -> None:
        self.window = window
        self.apply = apply or (lambda room, items: room.answer_many(items))
        self._pending: dict[Any, list[tuple[Any, asyncio.Future]]] = {}
        self._scheduled = False

    def submit(self, room, *item: Any) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.setdefault(room, []).append((item if len(item) > 1 else item[0], future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_later(self.window, self.flush)
        return future

    def flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, {}
        for room, items in pending.items():
            try:
                results = self.apply(room, [item for item, _ in items])
            except Exception as exc:  # noqa: BLE001 - every waiting learner hears of it
                results = [exc] * len(items)
            for (_, future), result in zip(items, results, strict=True):
                if future.done():  # the learner went away
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)


def joins_per_minute() -> int:
    """``$MSP_LEARN_WORKSHOP_JOINS`` if it is a whole number of at least 1, else the default."""
    try:
        value = int(os.environ.get(JOINS_ENV, JOINS_PER_MINUTE))
    except ValueError:
        return JOINS_PER_MINUTE
    return value if value >= 1 else JOINS_PER_MINUTE


class Hub:
    """What the handlers share: the rooms (made on first use), the answer batcher and the
    join limits (identity's limiter, per client address)."""

    def __init__(self, base_url: str, public_url: str | None = None) -> None:
        self.base_url = base_url
        self.public_url = public_url or os.environ.get("MSP_LEARN_PUBLIC_URL")
        self.batcher = Batcher()
        self.joiner = Batcher(apply=lambda room, aliases: room.join_many(aliases))
        self.joins = identity.RateLimiter(joins_per_minute(), 60.0)
        self.wrong_codes = identity.RateLimiter(WRONG_CODES, WRONG_CODE_WINDOW)
        self._workshops = None
        self._lock = asyncio.Lock()

    async def workshops(self):
        if self._workshops is None:
            async with self._lock:
                if self._workshops is None:
                    loop = asyncio.get_running_loop()
                    self._workshops = await loop.run_in_executor(None, _open_workshops)
        return self._workshops


@functools.cache
def _catalogue():
    from msp_learn.content import load_catalogue

    return load_catalogue()


def _open_workshops():
    from msp_learn.store import Store
    from msp_learn.workshop.moderation import WordFilter
    from msp_learn.workshop.room import Workshops

    extra = os.environ.get("MSP_LEARN_WORKSHOP_WORDS")  # a council's own blocked words
    return Workshops(Store(), _catalogue(), WordFilter(extra=extra or None))


NOT_SIGNED_IN = ("Only a trainer can run a workshop: sign in to the kit with your name (the "
                 "person running the kit makes you a trainer with 'msp-learn learner role "
                 "NAME trainer').")


async def signed_in(handler: RequestHandler) -> Person | None:
    """The person the kit's sign-in says this request is (cookie or operator token), or None.

    Asks the server's identity provider (the kit's, or a JupyterHub adapter), as every
    Jupyter page does; the answer is kept on the handler.
    """
    if not hasattr(handler, "_msp_person"):
        provider = handler.settings.get("identity_provider")
        user = provider.get_user(handler) if provider is not None else None
        if inspect.isawaitable(user):
            user = await user
        handler._msp_person = getattr(user, "person", None)  # type: ignore[attr-defined]
    return handler._msp_person  # type: ignore[attr-defined]


async def require_trainer(handler: RequestHandler) -> Person:
    """The one check that only a trainer runs a workshop: the signed-in person's role must
    reach ``trainer`` (``identity.require``). A request signed in by its cookie must also send
    the page's XSRF token when it changes something; the operator's token needs none."""
    person = await signed_in(handler)
    try:
        identity.require(person, "trainer")
    except identity.NotSignedIn:
        raise HTTPError(401, reason=NOT_SIGNED_IN) from None
    except identity.Forbidden as exc:
        raise HTTPError(403, reason=str(exc)) from None
    if (handler.request.method not in ("GET", "HEAD")
            and not getattr(handler, "_token_authenticated", False)):
        try:
            RequestHandler.check_xsrf_cookie(handler)
        except HTTPError:
            raise HTTPError(403, reason="The page's security check failed: reload the trainer "
                            "page and try again.") from None
    return person


class _Base(RequestHandler):
    """JSON in, JSON out; plain-English errors, never a traceback."""

    def initialize(self, hub: Hub) -> None:
        self.hub = hub

    def check_xsrf_cookie(self) -> None:
        # Learners' requests carry their workshop secret in a header a cross-site form cannot
        # set; trainers' changes are checked in require_trainer (a cookie-signed request must
        # send the XSRF token; a token-signed script need not).
        return

    @property
    def base_url(self) -> str:
        """The server's base URL (the identity provider sets its cookie under it)."""
        return self.settings.get("base_url") or self.hub.base_url

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HTTPError(400, reason="The request was not valid JSON.") from None
        if not isinstance(data, dict):
            raise HTTPError(400, reason="The request must be a JSON object.")
        return data

    def reply(self, data: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        message = self._reason if status_code != 500 else (
            "Something went wrong on the server; try again, and tell the trainer if it "
            "keeps happening.")
        self.set_header("Content-Type", "application/json; charset=utf-8")
        if getattr(self, "_retry_after", None):
            self.set_header("Retry-After", str(self._retry_after))
        self.finish(json.dumps({"error": message}))

    async def room(self, code: str | None):
        workshops = await self.hub.workshops()
        try:
            return workshops.get(code or "")
        except CodeError as exc:
            raise HTTPError(404, reason=str(exc)) from None

    async def participant(self, code: str | None):
        room = await self.room(code)
        pid = room.who(self.request.headers.get("X-Workshop-Secret", ""))
        if pid is None:
            raise HTTPError(401, reason="You are not in this workshop (or it was restarted): "
                            "join again with the code.")
        return room, pid

    def join_url(self, code: str) -> str:
        base = self.hub.public_url or f"{self.request.protocol}://{self.request.host}"
        return url_path_join(base.rstrip("/"), self.hub.base_url, "workshop") + f"?code={code}"


def _user_error(exc: Exception) -> HTTPError:
    return HTTPError(409 if isinstance(exc, SessionError) else 400, reason=str(exc))


class PageHandler(_Base):
    """The learner's or the trainer's page (static HTML; all text drawn by its script)."""

    def initialize(self, hub: Hub, page: str) -> None:
        self.hub, self.page = hub, page

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                        "style-src 'self'; script-src 'self'; connect-src 'self'; "
                        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        self.set_header("Referrer-Policy", "no-referrer")

    def get(self) -> None:
        page = (PAGES / self.page).read_text("utf-8")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page.replace("__BASE__", html.escape(self.hub.base_url, quote=True)))


class TrainerPageHandler(PageHandler):
    """The trainer's page: only for a signed-in trainer (others are sent to sign in, or told
    the page is for trainers)."""

    async def get(self) -> None:  # type: ignore[override]
        person = await signed_in(self)
        if person is None:
            login = self.settings.get("login_url") or url_path_join(self.hub.base_url,
                                                                    "msp/sign-in")
            self.redirect(login + "?" + urlencode({"next": self.request.uri}))
            return
        try:
            identity.require(person, "trainer")
        except identity.Forbidden as exc:
            self.set_status(403)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(_refusal(self.hub.base_url, str(exc)))
            return
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie the page's script sends back
        super().get()


def _refusal(base: str, message: str) -> str:
    """A plain page saying the trainer's page is not for this person, with ways on."""
    b = html.escape(base, quote=True)
    again = html.escape(url_path_join(base, "msp/sign-out") + "?" + urlencode(
        {"next": url_path_join(base, "workshop/trainer")}), quote=True)
    return (f"<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><meta name="
            f"'viewport' content='width=device-width, initial-scale=1'><title>For trainers | "
            f"MSP Learn</title><link rel='stylesheet' href='{b}workshop/static/workshop.css'>"
            f"</head><body class='trainer'><main><h1>This page is for trainers</h1>"
            f"<p role='alert'>{html.escape(message)}</p><p><a href='{b}'>Go to the gallery</a>"
            f" · <a href='{again}'>Sign in as someone else</a> · <a href='{b}workshop'>Join a "
            "workshop as a learner</a></p></main></body></html>")


def _account(person: Person | None) -> str | None:
    """The signed-in learner's name, for the page to offer linking; None for the operator."""
    return person.name if person is not None and not person.operator else None


class JoinHandler(_Base):
    async def post(self) -> None:
        address = self.request.remote_ip or "?"
        wait = max(self.hub.joins.blocked(address), self.hub.wrong_codes.blocked(address))
        if wait:
            seconds = max(1, math.ceil(wait))
            self._retry_after = seconds  # write_error sends it (an error clears headers)
            raise HTTPError(429, reason=(
                f"Too many tries to join from this device or network just now. Wait "
                f"{seconds} second{'s' if seconds != 1 else ''} and press Join again."))
        data = self.body()
        try:
            room = await self.room(data.get("code"))
        except HTTPError:
            self.hub.wrong_codes.failed(address)
            raise
        try:
            pid, secret = await self.hub.joiner.submit(room, data.get("alias", ""))
        except (SessionError, CodeError) as exc:
            raise _user_error(exc) from None
        self.hub.joins.failed(address)  # counts every join, not only failures
        account = _account(await signed_in(self))
        self.reply({"secret": secret, "view": room.learner_view(pid), "account": account})


class MeHandler(_Base):
    async def get(self) -> None:
        room, pid = await self.participant(self.get_query_argument("code", ""))
        self.reply({**room.learner_view(pid), "account": _account(await signed_in(self))})


class LinkHandler(_Base):
    """The learner's own choice to count their answers in their own progress (or to stop).
    Needs both the workshop secret (a header: nothing cross-site can send it) and the kit's
    sign-in; the link is made to the signed-in account, never to a name in the request."""

    async def post(self) -> None:
        data = self.body()
        room, pid = await self.participant(data.get("code"))
        want = data.get("link")
        if not isinstance(want, bool):
            raise HTTPError(400, reason="Say whether to link your answers (true or false).")
        name = None
        if want:
            person = await signed_in(self)
            if person is None:
                raise HTTPError(401, reason="Sign in to the kit first (with your own name), "
                                "then tick the box again.")
            if person.operator:
                raise HTTPError(403, reason="The person running the kit has no progress of "
                                "their own: sign in with your own name to link your answers.")
            name = person.name
        loop = asyncio.get_running_loop()
        try:
            view = await loop.run_in_executor(None, room.link, pid, name)
        except SessionError as exc:
            raise _user_error(exc) from None
        self.reply({**view, "account": name})


class AnswerHandler(_Base):
    async def post(self) -> None:
        data = self.body()
        room, pid = await self.participant(data.get("code"))
        key = data.get("key")
        if not isinstance(key, str) or not key:
            raise HTTPError(400, reason="The answer came without its key; reload the page.")
        try:
            self.reply(await self.hub.batcher.submit(room, pid, data.get("value"), key))
        except SessionError as exc:
            raise _user_error(exc) from None


class _Stream(_Base):
    """A server-sent event stream of one view, sent again whenever it may have changed."""

    wants = frozenset({"state"})
    coalesce = 0.0

    def view(self) -> dict[str, Any]:
        raise NotImplementedError

    async def stream(self, room) -> None:
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("X-Accel-Buffering", "no")
        changed = self._changed = asyncio.Event()

        def listener(what: str) -> None:
            if what in self.wants:
                changed.set()

        room.listeners.add(listener)
        try:
            await self.send(self.view())
            while True:
                try:
                    await asyncio.wait_for(changed.wait(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    self.write(": still here\n\n")
                    await self.flush()
                    continue
                if self.coalesce:
                    await asyncio.sleep(self.coalesce)  # one push for a burst of answers
                changed.clear()
                await self.send(self.view())
        except StreamClosedError:
            pass
        finally:
            room.listeners.discard(listener)

    async def send(self, data: dict[str, Any]) -> None:
        self.write("data: " + json.dumps(data, ensure_ascii=False) + "\n\n")
        await self.flush()

    def on_connection_close(self) -> None:
        if getattr(self, "_changed", None) is not None:
            self._changed.set()  # wake the loop: its next write fails and it leaves


class LearnerStreamHandler(_Stream):
    async def get(self) -> None:
        self.room_, self.pid = await self.participant(self.get_query_argument("code", ""))
        await self.stream(self.room_)

    def view(self) -> dict[str, Any]:
        return self.room_.learner_view(self.pid)


class SessionsHandler(_Base):
    async def post(self) -> None:
        await require_trainer(self)
        data = self.body()
        workshops = await self.hub.workshops()
        plan = data.get("plan")
        try:
            room = workshops.start(data.get("title") or "Workshop",
                                   plan if plan else _sample_plan())
        except (ActivityError, SessionError) as exc:
            raise _user_error(exc) from None
        self.reply({"code": room.code, "join_url": self.join_url(room.code)})

    async def get(self) -> None:
        person = await require_trainer(self)
        workshops = await self.hub.workshops()
        latest = workshops.latest()
        self.reply({"latest": latest.code if latest else None, "trainer": person.name})


def _sample_plan():
    from msp_learn.workshop.room import SAMPLE_PLAN

    return SAMPLE_PLAN


class TrainerViewHandler(_Base):
    async def get(self, code: str) -> None:
        person = await require_trainer(self)
        room = await self.room(code)
        self.reply({**room.trainer_view(), "join_url": self.join_url(room.code),
                    "trainer": person.name})


class TrainerStreamHandler(_Stream):
    wants = frozenset({"state", "tally"})
    coalesce = TRAINER_COALESCE_SECONDS

    async def get(self, code: str) -> None:
        self.trainer = (await require_trainer(self)).name
        self.room_ = await self.room(code)
        self.link = self.join_url(self.room_.code)
        await self.stream(self.room_)

    def view(self) -> dict[str, Any]:
        return {**self.room_.trainer_view(), "join_url": self.link, "trainer": self.trainer}


class ControlHandler(_Base):
    async def post(self, code: str) -> None:
        await require_trainer(self)
        room = await self.room(code)
        data = self.body()
        try:
            view = room.control(str(data.get("action", "")), index=data.get("index"),
                                choice=data.get("choice"))
        except (SessionError, ActivityError) as exc:
            raise _user_error(exc) from None
        self.reply({**view, "join_url": self.join_url(room.code)})


class ModerateHandler(_Base):
    async def post(self, code: str) -> None:
        await require_trainer(self)
        room = await self.room(code)
        data = self.body()
        try:
            view = room.moderate(int(data.get("id", -1)), str(data.get("status", "")))
        except (SessionError, ValueError, TypeError) as exc:
            raise HTTPError(409, reason=str(exc)) from None
        self.reply({**view, "join_url": self.join_url(room.code)})


class ExportHandler(_Base):
    async def get(self, code: str) -> None:
        await require_trainer(self)
        room = await self.room(code)
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition",
                        f'attachment; filename="workshop-{room.code}.csv"')
        self.finish("\ufeff" + room.export_csv())  # the BOM makes Excel read UTF-8


class QrHandler(_Base):
    async def get(self, code: str) -> None:
        import qrcode
        import qrcode.image.svg

        room = await self.room(code)
        image = qrcode.make(self.join_url(room.code), image_factory=qrcode.image.svg.SvgPathImage,
                            border=2)
        self.set_header("Content-Type", "image/svg+xml")
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(image.to_string())


def workshop_handlers(base_url: str) -> list[tuple]:
    """Handler specs for the workshop, for :meth:`KitVoila.init_handlers` to append."""
    hub = Hub(base_url)
    route = lambda path: url_path_join(base_url, "workshop", path)  # noqa: E731
    code = r"([A-Za-z0-9-]{1,16})"
    kw = {"hub": hub}
    return [
        (url_path_join(base_url, "workshop/?"), PageHandler, {**kw, "page": "learner.html"}),
        (route("trainer/?"), TrainerPageHandler, {**kw, "page": "trainer.html"}),
        (route("static/(.*)"), StaticFileHandler, {"path": str(PAGES)}),
        (route("api/join"), JoinHandler, kw),
        (route("api/me"), MeHandler, kw),
        (route("api/answer"), AnswerHandler, kw),
        (route("api/link"), LinkHandler, kw),
        (route("api/stream"), LearnerStreamHandler, kw),
        (route("api/sessions/?"), SessionsHandler, kw),
        (route(f"api/sessions/{code}"), TrainerViewHandler, kw),
        (route(f"api/sessions/{code}/stream"), TrainerStreamHandler, kw),
        (route(f"api/sessions/{code}/control"), ControlHandler, kw),
        (route(f"api/sessions/{code}/moderate"), ModerateHandler, kw),
        (route(f"api/sessions/{code}/export.csv"), ExportHandler, kw),
        (route(f"qr/{code}.svg"), QrHandler, kw),
    ]
