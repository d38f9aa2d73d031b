"""Voila application subclass with the kit's fixes for tab-close leaks and cold preheat pools."""

from __future__ import annotations

import os

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from traitlets import Float
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from ._argv import template_root
from ._refill import IdleRefill
from ._workshop import workshop_handlers

#: The app notebook (the gallery by default) the site root redirects to, when present.
HOME = "app.ipynb"


class KitVoilaHandler(TornadoVoilaHandler):
    """Notebook page handler: sets the XSRF cookie and never queues behind a cold pool."""

    async def get(self, path=None):
        # Voila's widget manager posts ``_xsrf`` read from document.cookie with its
        # beforeunload shutdown beacon, but the page handler never creates that cookie,
        # so the POST is refused with 403 and the kernel leaks (voila#1458, stack.md G1).
        # Reading ``xsrf_token`` makes tornado set the cookie; XSRF checks stay on.
        self.xsrf_token  # noqa: B018 - property access sets the cookie
        self._kit_notebook = self.notebook_path or path
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
        return settings

    def init_handlers(self):
        handlers = [
            (spec[0], KitVoilaHandler, *spec[2:]) if spec[1] is TornadoVoilaHandler else spec
            for spec in super().init_handlers()
        ]
        # The site root opens the app (its gallery view) instead of a file listing.
        if not self.notebook_path and os.path.isfile(os.path.join(self.root_dir, HOME)):
            home = url_path_join(self.server_url, "voila/render", HOME)
            handlers.insert(0, (url_path_join(self.server_url, "/?"), RedirectHandler,
                                {"url": home}))
        # The live workshop's light pages and API (no kernel per learner): one hook.
        handlers[:0] = workshop_handlers(self.server_url)
        return handlers


def main(argv=None) -> None:
    """Entry point for ``python -m msp_learn.server``."""
    KitVoila.launch_instance(argv)
