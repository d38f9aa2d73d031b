"""Voila application subclass with the kit's fixes for tab-close leaks and cold preheat pools."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import time

import jinja2
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from markupsafe import Markup
from tornado.web import HTTPError, RedirectHandler
from traitlets import Float, Type, default
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from msp_learn import identity

from . import _logs, _signin
from ._argv import template_root
from ._auth import (
    KernelOwners,
    KitAuthorizer,
    KitIdentityProvider,
    KitRequestInfoHandler,
    KitShutdownHandler,
    RefusedHandler,
    current_person,
    person_of,
)
from ._notfound import error_page, missing_content
from ._refill import IdleRefill
from ._workshop import workshop_handlers

#: The app notebook (the gallery by default) the site root redirects to, when present.
HOME = "app.ipynb"
#: Views of the app only some roles may open: refused here with a 403 (and again in the
#: kernel, which checks the signed-in person itself).
ROLE_VIEWS = {"reports": ("lead", "The reports dashboard is only for workforce leads. If you "
                          "need it, ask the person who runs the kit to give you the lead "
                          "role.")}
#: Seconds the server keeps its copy of the catalogue before a miss reloads it (new content
#: written while the server runs is found).
CATALOGUE_TTL_S = 10.0


class KitErrorPages:
    """``write_error`` for tornado handlers that are not JupyterHandlers: the kit's page."""

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(error_page(status_code, home=self.settings.get("msp_learn_home", "/")))


class KitNotFoundHandler(KitErrorPages, JupyterHandler):
    """Every address no other handler takes: HTTP 404 and a readable page."""

    @allow_unauthenticated
    def get(self, *args) -> None:
        raise HTTPError(404)

    head = post = put = delete = patch = get


#: ``<template>/static/<file>``: a template name is a plain folder name.
_TEMPLATE_STATIC = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*/static/[^?#]+")


class KitTemplateStaticHandler(KitErrorPages, TemplateStaticFileHandler):
    """Voila's template static files, answering 404 (not a 500 with a traceback in the log)
    for an address that is not ``<template>/static/<file>``."""

    def get(self, path: str, include_body: bool = True):
        if not _TEMPLATE_STATIC.fullmatch(path or "") or path.endswith("/"):
            raise HTTPError(404)
        return super().get(path, include_body)


class KitVoilaHandler(TornadoVoilaHandler):
    """Notebook page handler: hands the kernel the signed-in person, sets the XSRF cookie,
    and never queues behind a cold pool."""

    async def get(self, path=None):
        # Who the page is for reaches the kernel as a token signed with the server secret,
        # in a request header Voila copies into the kernel's environment (http_header_envs).
        # A header of that name sent by the browser is dropped first.
        person = person_of(self)
        named = self.get_query_argument("learner", None)
        if named and person is not None and not _same(named, person.name):
            self.set_status(403)  # an old link naming someone else: say so, show nothing
            self.finish(_signin.refusal("This link names another learner. Your own work is "
                                        "in the gallery.", self.settings["msp_learn_home"]))
            return
        needs = ROLE_VIEWS.get(self.get_query_argument("view", ""))
        if needs and person is not None and not _reaches(person, needs[0]):
            self.set_status(403)
            self.finish(_signin.refusal(needs[1], self.settings["msp_learn_home"]))
            return
        if identity.KERNEL_HEADER in self.request.headers:
            del self.request.headers[identity.KERNEL_HEADER]
        if person is not None and not person.operator:
            self.request.headers[identity.KERNEL_HEADER] = identity.person_token(
                person, self.settings["msp_learn_secret"], purpose="kernel",
                seconds=identity.KERNEL_SECONDS)
        current_person.set(person)  # KernelOwners records who gets this page's kernel
        # Voila's widget manager posts ``_xsrf`` read from document.cookie with its
        # beforeunload shutdown beacon, but the page handler never creates that cookie,
        # so the POST is refused with 403 and the kernel leaks (voila#1458, stack.md G1).
        # Reading ``xsrf_token`` makes tornado set the cookie; XSRF checks stay on.
        self.xsrf_token  # noqa: B018 - property access sets the cookie
        self._kit_notebook = self.notebook_path or path
        if person is not None and (self._kit_notebook or "").rsplit("/", 1)[-1] == HOME:
            query = {k: self.get_query_argument(k) for k in ("view", "id", "tag")
                     if self.get_query_argument(k, None) is not None}
            missing = await _missing(query)
            if missing:  # a link to nothing: say so with a 404, and start no kernel
                self.set_status(404)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(error_page(404, home=self.settings["msp_learn_home"],
                                       message=missing))
                return
        await super().get(path)

    def should_use_rendered_notebook(self, notebook_data, pool_size, template_name, theme, args):
        """Use a preheated kernel only if one has finished starting; else start a fresh one.

        Upstream takes the oldest pool entry even while it is still starting (after a
        deliberate ``fill_delay``), so a burst larger than the pool queues each request
        behind a kernel start plus a full notebook run.
        """
        if not super().should_use_rendered_notebook(
            notebook_data, pool_size, template_name, theme, args
        ):
            return False
        pool = getattr(self.kernel_manager, "_pools", {}).get(self._kit_notebook)
        if not pool:
            return False
        for task in list(pool):
            if task.done() and (task.cancelled() or task.exception() is not None):
                self.log.warning("Dropping a failed preheated kernel for %s", self._kit_notebook)
                pool.remove(task)
        ready = next((t for t in pool if t.done()), None)
        if ready is None:
            self.log.info("No preheated kernel ready for %s; starting one", self._kit_notebook)
            refill = getattr(self.kernel_manager, "kit_refill", None)
            if refill is not None:  # the room has outgrown the pool: refill at once
                refill.missed(self._kit_notebook, self.kernel_manager.kit_pool_size)
            self.kernel_manager.fill_if_needed(notebook_name=self._kit_notebook)
            return False
        pool.remove(ready)
        pool.insert(0, ready)  # get_rendered_notebook() takes pool[0]
        return True


class KitVoila(Voila):
    """Voila with the kit's template directory on the path and the kit's page handler."""

    name = "msp-learn-voila"

    @default("log_format")
    def _kit_log_format(self):
        return _logs.FILE_FORMAT

    @default("log_datefmt")
    def _kit_log_datefmt(self):
        return _logs.FILE_DATEFMT

    identity_provider_class = Type(
        default_value=KitIdentityProvider, klass=IdentityProvider, config=True,
        help="Who a request is: the kit's signed sign-in cookie, or the server's token.")
    authorizer_class = Type(
        default_value=KitAuthorizer, klass=Authorizer, config=True,
        help="What a signed-in person may reach: only their own pages' kernels.")

    refill_busy_percent = Float(
        50.0, config=True,
        help="A pool refill starts only when less than this share of all CPU time is busy.",
    )
    refill_max_wait = Float(
        120.0, config=True,
        help="Seconds (after fill_delay) a pool refill waits for an idle machine at most.",
    )
    refill_demand_window = Float(
        60.0, config=True,
        help="Once a page has found the pool empty, refills start at once until no page has "
             "arrived for this many seconds.",
    )

    def initialize(self, argv=None):
        root = str(template_root())
        paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
        if root not in paths:
            os.environ["JUPYTER_PATH"] = os.pathsep.join([root, *paths])
        super().initialize(argv)
        level = self.log_level
        _logs.setup(self.log, level if isinstance(level, int) else _logs.level_number(level))
        # The secret that signs cookies and the kernels' identity tokens, kept in the data
        # folder (mode 0600) so sign-ins survive a restart; kernels inherit it.
        from msp_learn.store import data_dir

        self.msp_secret = identity.load_or_create_secret(data_dir() / "server_secret")
        os.environ[identity.SECRET_ENV] = self.msp_secret
        if self.token is None and os.environ.get("MSP_LEARN_TOKEN"):
            self.token = os.environ["MSP_LEARN_TOKEN"]  # the person running the kit
        headers = list(self.voila_configuration.http_header_envs)
        if identity.KERNEL_HEADER not in headers:
            self.voila_configuration.http_header_envs = [*headers, identity.KERNEL_HEADER]
        # voila.utils.wait_for_request() in a preheated kernel connects back to
        # ws://$VOILA_APP_IP:$VOILA_APP_PORT; kernels inherit this environment.
        if self.ip not in ("", "0.0.0.0", "::", "localhost"):
            os.environ.setdefault("VOILA_APP_IP", f"[{self.ip}]" if ":" in self.ip else self.ip)

    def init_settings(self):
        settings = super().init_settings()
        manager = self.kernel_manager
        if hasattr(manager, "_pools"):  # preheating is on
            # Kernels for the first fill were queued while the manager was built; only the
            # refills after a kernel is taken go through the gate.
            # The gate owns fill_delay (upstream's fixed sleep before each refill), so that
            # a room that has outgrown the pool is refilled at once.
            gate = IdleRefill(busy_percent=self.refill_busy_percent,
                              max_wait=self.refill_max_wait, delay=manager.fill_delay,
                              demand_window=self.refill_demand_window,
                              log=self.log.info, warn=self.log.warning)
            manager.fill_delay = 0.0
            manager.kit_refill = gate
            manager.kit_pool_size = self.voila_configuration.default_pool_size
            manager._initialize = gate.wrap(manager._initialize)
            shutdown_all = manager.shutdown_all

            async def release_then_shutdown_all(*args, **kwargs):
                gate.closing = True
                return await shutdown_all(*args, **kwargs)

            manager.shutdown_all = release_then_shutdown_all
        # No MathJax from a CDN: Voila's page script uses its MathJax 2 plugin (which loads
        # MathJax from this URL, and without one logs two errors in every page's console)
        # unless both of these are null; then it uses the MathJax 3 bundled with it.
        # (Set here: the Voila.mathjax_url trait is deprecated and warns at start-up.)
        settings["mathjax_url"] = None
        settings["mathjax_config"] = None
        # jupyter_server's default ping timeout (3 x the 30 s interval) is longer than the
        # interval, which tornado refuses with a warning and clamps: ask for what it uses.
        settings.setdefault("ws_ping_timeout", settings.get("ws_ping_interval", 30000))
        home = url_path_join(self.server_url, "voila/render", HOME)
        # Error pages in the kit's look: jupyter_server's (jinja2_env) and Voila's own
        # (voila_jinja2_env: "You are requesting a page that does not exist!").
        page = "{{ msp_error_page(status_code) }}"
        for key in ("voila_jinja2_env", "jinja2_env"):
            env = settings.get(key)
            if env is not None and not isinstance(env.loader, jinja2.ChoiceLoader):
                env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(
                    {"404.html": page, "403.html": page, "error.html": page}), env.loader])
                env.globals["msp_error_page"] = lambda code: Markup(error_page(code, home=home))
        owners = KernelOwners()
        owners.hook(manager)
        settings.update(
            msp_learn_secret=self.msp_secret, msp_learn_store=_store,
            msp_learn_kernel_owners=owners, msp_learn_limits=_signin.limiters(),
            msp_learn_home=home,
            login_url=url_path_join(self.base_url, _signin.SIGN_IN))
        return settings

    def init_handlers(self):
        replace = {TornadoVoilaHandler: KitVoilaHandler,
                   TemplateStaticFileHandler: KitTemplateStaticHandler,
                   VoilaShutdownKernelHandler: KitShutdownHandler,
                   RequestInfoSocketHandler: RefusedHandler}
        handlers = [(spec[0], replace.get(spec[1], spec[1]), *spec[2:])
                    for spec in super().init_handlers()]
        # Identity: the sign-in pages, and the request-info socket only a kernel can open.
        handlers[:0] = [
            (url_path_join(self.base_url, _signin.SIGN_IN), _signin.SignInHandler),
            (url_path_join(self.base_url, _signin.SIGN_OUT), _signin.SignOutHandler),
            (url_path_join(self.server_url, r"/voila/query/([0-9a-f]{64})/([0-9a-f-]{36})"),
             KitRequestInfoHandler),
        ]
        # The site root opens the app (its gallery view) instead of a file listing.
        if not self.notebook_path and os.path.isfile(os.path.join(self.root_dir, HOME)):
            home = url_path_join(self.server_url, "voila/render", HOME)
            handlers.insert(0, (url_path_join(self.server_url, "/?"), RedirectHandler,
                                {"url": home}))
        # The live workshop's light pages and API (no kernel per learner): one hook.
        handlers[:0] = workshop_handlers(self.server_url)
        # Last: any other address is a readable 404 (tornado's bare one otherwise).
        handlers.append((url_path_join(self.server_url, r"/(.*)"), KitNotFoundHandler))
        return handlers


def _reaches(person: identity.Person, role: str) -> bool:
    try:
        identity.require(person, role)
    except identity.Forbidden:
        return False
    return True


def _same(a: str, b: str) -> bool:
    try:
        return identity.same_name(a, b)
    except ValueError:
        return False


_catalogue_cache: dict = {}


async def _missing(query: dict[str, str]) -> str | None:
    """What the app link ``query`` names that the kit lacks (see ``missing_content``), read
    against the catalogue loaded off the event loop; a miss reloads a copy older than
    CATALOGUE_TTL_S first. Content that cannot be loaded never blocks a page: the kernel's
    own loader then reports it."""
    if query.get("view", "home") == "home":
        return None
    loop = asyncio.get_running_loop()
    for attempt in range(2):
        cached = _catalogue_cache.get("catalogue")
        fresh = cached is not None and time.monotonic() - cached[0] < CATALOGUE_TTL_S
        if cached is None or (attempt and not fresh):
            try:
                from msp_learn.content import load_catalogue

                catalogue = await loop.run_in_executor(None, load_catalogue)
            except Exception:
                return None
            cached = _catalogue_cache["catalogue"] = (time.monotonic(), catalogue)
        missing = missing_content(query, cached[1])
        if missing is None or attempt or fresh:
            return missing
    return None


@functools.cache
def _store():
    """The learners' store, opened once in the server (sign-in, roles)."""
    from msp_learn.store import Store

    return Store()


def main(argv=None) -> None:
    """Entry point for ``python -m msp_learn.server``."""
    KitVoila.launch_instance(argv)
