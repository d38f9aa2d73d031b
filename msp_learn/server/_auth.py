"""Who a request is, in the kit's server: the signed cookie, kernel ownership, role checks.

- :class:`KitIdentityProvider` (jupyter_server's identity seam) turns the kit's signed,
  HttpOnly cookie, or the token of the person running the kit, into a :class:`KitUser`
  carrying an :class:`identity.Person`. Every Jupyter handler of the server then needs one:
  a request without one is sent to the sign-in page (pages) or refused (API, websockets).
  Under JupyterHub an adapter replaces this class and maps the hub user to a Person.
- :class:`KernelOwners` records which person each page's kernel was handed to;
  :class:`KitAuthorizer` and the handlers below refuse a kernel id that is not the
  signed-in person's, so a leaked kernel id reads and shuts down nothing.
- :class:`RoleRequired` and :func:`requires_role`: the role check for trainer and lead pages.
"""

from __future__ import annotations

import contextvars
import functools
import hmac
import time
from dataclasses import dataclass
from typing import Any

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from tornado.websocket import WebSocketHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

from msp_learn import identity
from msp_learn.identity import Person

COOKIE_NAME = "msp_learn_session"
#: How long a learner's role and secret fingerprint are trusted before the store is asked
#: again (a role change or a reset takes effect within this time).
LOOKUP_SECONDS = 5.0

#: The person whose request is being handled, for the kernel manager hooks below.
current_person: contextvars.ContextVar[Person | None] = contextvars.ContextVar(
    "msp_learn_current_person", default=None)


@dataclass
class KitUser(User):
    """A jupyter_server user with the kit's :class:`Person`."""

    person: Person | None = None


def owner_key(person: Person) -> str:
    """The key kernels are recorded under: a learner's name key, or the operator's."""
    return "operator:" if person.operator else "learner:" + identity.name_key(person.name)


def person_of(handler: Any) -> Person | None:
    """The signed-in person of a Jupyter handler (after its ``prepare``), or None."""
    return getattr(getattr(handler, "current_user", None), "person", None)


class KitIdentityProvider(IdentityProvider):
    """The kit's sign-in: a signed cookie naming a learner, or the server's token.

    Settings it reads from the tornado application: ``msp_learn_secret`` (hex) and
    ``msp_learn_store`` (a callable returning the :class:`msp_learn.store.Store`).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lookups: dict[str, tuple[float, Any, str]] = {}

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def get_handlers(self) -> list:
        return []  # the kit adds its own sign-in pages (KitVoila.init_handlers)

    def validate_security(self, app: Any, ssl_options: Any = None) -> None:
        return None

    # the store, asked at most every LOOKUP_SECONDS per learner

    def account(self, settings: dict, name: str) -> tuple[Any, str]:
        """``(learner or None, secret fingerprint)`` for ``name``, briefly cached."""
        key = identity.name_key(name)
        cached = self._lookups.get(key)
        now = time.monotonic()
        if cached and now - cached[0] < LOOKUP_SECONDS:
            return cached[1], cached[2]
        store = settings["msp_learn_store"]()
        learner = store.find_learner(name)
        stored = store.secret_hash(name) if learner else None
        found = (learner if stored else None, identity.fingerprint(stored))
        if len(self._lookups) > 5000:
            self._lookups.clear()
        self._lookups[key] = (now, *found)
        return found

    def forget_lookup(self, name: str) -> None:
        self._lookups.pop(identity.name_key(name), None)

    # who the request is

    def user_for(self, person: Person) -> KitUser:
        return KitUser(username=owner_key(person), name=person.name,
                       display_name=person.name, person=person)

    def get_user(self, handler: web.RequestHandler) -> KitUser | None:
        settings = handler.settings
        secret = settings["msp_learn_secret"]
        if self.token and hmac.compare_digest(self.get_token(handler) or "", self.token):
            handler._token_authenticated = True  # type: ignore[attr-defined]
            user = self.user_for(Person("the person running the kit", "lead", operator=True))
            if not isinstance(handler, WebSocketHandler):  # later requests carry the cookie
                self.set_login_cookie(handler, user)
            return user
        cookie = handler.get_cookie(COOKIE_NAME)
        if not cookie:
            return None
        try:
            person, fp = identity.person_from(cookie, secret, purpose="cookie")
        except identity.BadToken:
            return None
        if person.operator:
            return self.user_for(person)
        try:
            learner, current_fp = self.account(settings, person.name)
        except ValueError:
            return None
        if learner is None or current_fp != fp:  # forgotten, or the secret was reset
            return None
        return self.user_for(Person(learner.name, learner.role))

    def set_login_cookie(self, handler: web.RequestHandler, user: User) -> None:
        person = getattr(user, "person", None)
        if person is None:
            return
        fp = ""
        if not person.operator:
            self.forget_lookup(person.name)
            fp = self.account(handler.settings, person.name)[1]
        token = identity.person_token(person, handler.settings["msp_learn_secret"],
                                      purpose="cookie", seconds=identity.COOKIE_SECONDS,
                                      fingerprint=fp)
        handler.set_cookie(COOKIE_NAME, token, path=handler.base_url, httponly=True,
                           samesite="Lax", secure=handler.request.protocol == "https",
                           max_age=identity.COOKIE_SECONDS)

    def clear_login_cookie(self, handler: web.RequestHandler) -> None:
        handler.clear_cookie(COOKIE_NAME, path=handler.base_url)


class KernelOwners:
    """Which person each page's kernel was handed to (kernel id -> owner key)."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}

    def record(self, kernel_id: str, person: Person, live: Any = None) -> None:
        if live is not None and len(self._owners) > 64:
            for old in [k for k in self._owners if k not in live]:
                del self._owners[old]  # kernels shut down or culled
        self._owners[kernel_id] = owner_key(person)

    def owns(self, person: Person | None, kernel_id: str | None) -> bool:
        return (person is not None and kernel_id is not None
                and self._owners.get(kernel_id) == owner_key(person))

    def hook(self, manager: Any) -> None:
        """Record the owner whenever ``manager`` hands a kernel to a page: a preheated one
        (``get_rendered_notebook``) or one started for the request (``start_kernel``)."""
        owners = self

        def live() -> Any:
            return set(manager.list_kernel_ids())

        if hasattr(manager, "get_rendered_notebook"):
            rendered = manager.get_rendered_notebook

            @functools.wraps(rendered)
            async def get_rendered_notebook(*args: Any, **kwargs: Any) -> Any:
                result = await rendered(*args, **kwargs)
                person = current_person.get()
                if person is not None:
                    owners.record(result[2], person, live())
                return result

            manager.get_rendered_notebook = get_rendered_notebook
        start = manager.start_kernel

        @functools.wraps(start)
        async def start_kernel(*args: Any, **kwargs: Any) -> Any:
            kernel_id = await start(*args, **kwargs)
            person = current_person.get()
            if person is not None:
                owners.record(kernel_id, person, live())
            return kernel_id

        manager.start_kernel = start_kernel


def _kernel_id(handler: Any) -> str | None:
    return handler.path_kwargs.get("kernel_id") or next(iter(handler.path_args), None)


class KitAuthorizer(Authorizer):
    """Kernels (their websocket and REST endpoints) only for the person they were handed to."""

    def is_authorized(self, handler: JupyterHandler, user: Any, action: str,
                      resource: str) -> bool:
        if resource != "kernels":
            return getattr(user, "person", None) is not None
        owners: KernelOwners = handler.settings["msp_learn_kernel_owners"]
        if owners.owns(getattr(user, "person", None), _kernel_id(handler)):
            return True
        handler.log.warning("Refused %s on kernel %s to %s", action, _kernel_id(handler),
                            getattr(user, "username", None))
        return False


class KitShutdownHandler(VoilaShutdownKernelHandler):
    """``POST /voila/api/shutdown/<kernel id>``: only the kernel's own person."""

    async def post(self, kernel_id: str) -> None:  # type: ignore[override]
        owners: KernelOwners = self.settings["msp_learn_kernel_owners"]
        if not owners.owns(person_of(self), kernel_id):
            raise web.HTTPError(403, "not your page's kernel")
        await super().post(kernel_id)


class KitRequestInfoHandler(RequestInfoSocketHandler):
    """``/voila/query/<proof>/<kernel id>``: a preheated kernel fetches its request here,
    proving with the server secret that it is that kernel (see identity.query_proof)."""

    def prepare(self) -> None:
        proof, kernel_id = self.path_args[0], self.path_args[1]
        if not identity.check_query_proof(self.settings["msp_learn_secret"], kernel_id, proof):
            raise web.HTTPError(403)

    def open(self, proof: str, kernel_id: str) -> None:  # type: ignore[override]
        super().open(kernel_id)


class RefusedHandler(web.RequestHandler):
    """An upstream endpoint the kit replaces: always 403 (``/voila/query/<kernel id>``)."""

    def prepare(self) -> None:
        raise web.HTTPError(403)


def requires_role(role: str):
    """Decorate a Jupyter handler method so only people whose role reaches ``role`` get it
    (403 otherwise; a visitor not signed in is sent to sign in, or refused for non-GET)."""
    identity.check_role(role)

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self: JupyterHandler, *args: Any, **kwargs: Any):
            person = person_of(self)
            if person is None:
                if self.request.method in ("GET", "HEAD"):
                    self.redirect(self.get_login_url() + "?" + _next_query(self))
                    return None
                raise web.HTTPError(403)
            try:
                identity.require(person, role)
            except identity.Forbidden as exc:
                raise web.HTTPError(403, str(exc)) from None
            return method(self, *args, **kwargs)

        return wrapper

    return decorate


def _next_query(handler: web.RequestHandler) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": handler.request.uri})


class RoleRequired:
    """Mixin for a Jupyter handler whose every method needs ``required_role``:
    ``class WorkshopHandler(RoleRequired, JupyterHandler): required_role = "trainer"``."""

    required_role = "learner"

    async def prepare(self) -> None:
        await super().prepare()  # type: ignore[misc]
        if self._finished:  # type: ignore[attr-defined]  # redirected to sign in
            return
        person = person_of(self)
        if person is None:
            raise web.HTTPError(403)
        try:
            identity.require(person, self.required_role)
        except identity.Forbidden as exc:
            raise web.HTTPError(403, str(exc)) from None
