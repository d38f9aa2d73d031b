"""Browser-test harness: the kit server handle, page diagnostics, open_app and axe helpers."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DIAGNOSTICS = ARTIFACTS / "diagnostics"
CHROMIUM = Path(os.environ.get("MSP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Any non-loopback host fails to resolve at once, so a stray CDN link can neither
    # succeed nor stall a page; the request is still recorded by external_requests.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
POOL_SIZE = 2
LOAD_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


def is_local(url: str) -> bool:
    """True for loopback http(s)/ws(s) URLs and for data:/blob:/about: URLs."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-error"}:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class KitServer:
    """Handle on the session's kit server process."""

    def __init__(self, proc: subprocess.Popen, url: str, log_path: Path, pool_size: int):
        self.proc = proc
        self.url = url
        self.log_path = log_path
        self.pool_size = pool_size
        self.baseline = 0

    def kernel_pids(self) -> list[int]:
        """PIDs of the server's ipykernel_launcher children."""
        pids = []
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    pids.append(child.pid)
            except psutil.Error:
                continue
        return pids

    def wait_for_kernels(self, count: int, timeout: float = 60.0) -> int:
        """Wait until exactly ``count`` kernels run; return the last count seen."""
        deadline = time.monotonic() + timeout
        seen = len(self.kernel_pids())
        while seen != count and time.monotonic() < deadline:
            time.sleep(0.25)
            seen = len(self.kernel_pids())
        return seen

    def settled_kernels(self, quiet: float = 5.0, timeout: float = 120.0) -> int:
        """The kernel count once it has not changed for ``quiet`` seconds (pool refills and
        earlier tests' shutdowns finished), or the last count after ``timeout``."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.kernel_pids()), time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < quiet:
            time.sleep(0.25)
            now = len(self.kernel_pids())
            if now != seen:
                seen, since = now, time.monotonic()
        return seen

    def log_tail(self, lines: int = 80) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        kept = [ln for ln in text.splitlines() if "running over TCP without encryption" not in ln]
        return "\n".join(kept[-lines:])


class PageWatch:
    """Console messages and in-flight requests of one page, for diagnostics."""

    def __init__(self, page):
        self.console: list[str] = []
        self.pending: dict[int, str] = {}
        self.failed: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text[:500]}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.pending.__setitem__(id(r), r.url))
        page.on("requestfinished", lambda r: self.pending.pop(id(r), None))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        self.pending.pop(id(request), None)
        self.failed.append(f"{request.url} ({request.failure})")


_WATCHES: dict[int, PageWatch] = {}

#: Console warnings that mean the page's JavaScript packages do not match (module
#: federation: an extension built for another JupyterLab than the page's).
VERSION_MISMATCH = ("Unsatisfied version", "No satisfying version", "is not registered")


class ConsoleLog:
    """Every console message and uncaught error of every page of one browser context.

    ``problems()`` is what no kit page may log: any console error or uncaught page error;
    ``version_warnings()`` the version-mismatch warnings (:data:`VERSION_MISMATCH`).
    """

    def __init__(self, context):
        self.messages: list[tuple[str, str, str]] = []  # (page URL, type, text)
        context.on("page", self._watch)
        for page in context.pages:
            self._watch(page)

    def _watch(self, page) -> None:
        page.on("console", lambda m: self.messages.append((page.url, m.type, m.text)))
        page.on("pageerror", lambda e: self.messages.append((page.url, "pageerror", str(e))))

    def problems(self) -> list[str]:
        """Console errors and uncaught page errors: what no kit page may log."""
        return [f"{kind} on {url}: {text[:400]}" for url, kind, text in self.messages
                if kind in ("error", "pageerror")]

    def version_warnings(self) -> list[str]:
        """Widget version-mismatch warnings: an extension built for another JupyterLab
        than the one Voila's page carries (the pins in pyproject.toml keep them agreed)."""
        return [f"{kind} on {url}: {text[:400]}" for url, kind, text in self.messages
                if kind == "warning" and any(v in text for v in VERSION_MISMATCH)]

    def clear(self) -> None:
        self.messages.clear()


def watch(page) -> PageWatch:
    """Attach (once) and return the diagnostics recorder of ``page``."""
    if id(page) not in _WATCHES:
        _WATCHES[id(page)] = PageWatch(page)
    return _WATCHES[id(page)]


def save_diagnostics(page, server: KitServer, name: str, error: BaseException) -> Path:
    """Write screenshot, DOM, console, pending requests and the server log tail."""
    out = DIAGNOSTICS / slug(name)
    out.mkdir(parents=True, exist_ok=True)
    rec = watch(page)
    try:
        page.screenshot(path=str(out / "page.png"), full_page=True, timeout=10_000)
    except Exception as exc:  # the page may be wedged; keep going
        (out / "screenshot-error.txt").write_text(repr(exc))
    try:
        dom = page.evaluate(
            "() => ({url: location.href, readyState: document.readyState,"
            " jupyterConfig: !!document.getElementById('jupyter-config-data'),"
            " loading: !!document.getElementById('loading'),"
            " renderedVisible: (document.getElementById('rendered_cells') || {style: {}})"
            ".style.display !== 'none',"
            " widgetViews: document.querySelectorAll('.jupyter-widgets').length,"
            " html: document.documentElement.outerHTML})"
        )
        (out / "dom.html").write_text(dom.pop("html"))
    except Exception as exc:
        dom = {"error": repr(exc)}
    summary = {
        "error": str(error)[:2000],
        "dom": dom,
        "pending_requests": sorted(rec.pending.values()),
        "failed_requests": rec.failed,
        "kernels": len(server.kernel_pids()),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "console.txt").write_text("\n".join(rec.console))
    (out / "server-log-tail.txt").write_text(server.log_tail(200))
    return out


def open_app(
    page,
    server: KitServer,
    path: str,
    ready_selector: str,
    *,
    name: str = "open_app",
    timeout: float = LOAD_TIMEOUT_S,
    retries: int = 1,
) -> float:
    """Load ``path`` and wait until ``ready_selector`` is clickable; return seconds taken.

    On a timeout, diagnostics go to tests/artifacts/diagnostics/<name>-attemptN/ and the
    page is loaded again, up to ``retries`` times (stack.md G2: rare frontend hangs).
    """
    watch(page)
    url = server.url.rstrip("/") + "/" + path.lstrip("/")
    errors = []
    for attempt in range(retries + 1):
        start = time.perf_counter()
        try:
            page.goto(url, timeout=timeout * 1000)
            remaining = max(1.0, timeout - (time.perf_counter() - start))
            page.locator(ready_selector).first.click(trial=True, timeout=remaining * 1000)
            return time.perf_counter() - start
        except Exception as exc:  # playwright TimeoutError or navigation error
            where = save_diagnostics(page, server, f"{name}-attempt{attempt + 1}", exc)
            errors.append(f"attempt {attempt + 1}: {type(exc).__name__}; diagnostics in {where}")
    raise AssertionError(f"{url} never became ready ({ready_selector}):\n" + "\n".join(errors))


#: The secret test learners sign in with (identity's rules: 4 characters or more).
TEST_SECRET = "test-secret-1"


def sign_in(context, server: KitServer, name: str, secret: str = TEST_SECRET) -> None:
    """Sign ``context`` in as ``name`` through the kit's sign-in form (its HTTP requests, not
    its pages, so it is quick): claims a new name with ``secret``, or gives a taken one's."""
    base = server.url.rstrip("/") + "/msp/sign-in"
    context.request.get(base)
    xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")
    page = context.request.post(base, form={"_xsrf": xsrf, "step": "name", "name": name})
    step = "secret" if "Enter your secret" in page.text() else "new"
    done = context.request.post(base, max_redirects=0, form={
        "_xsrf": xsrf, "step": step, "name": name, "secret": secret, "secret2": secret})
    if done.status != 303:
        raise AssertionError(f"sign-in as {name!r} failed ({done.status}): {done.text()[:800]}")


def axe_script() -> Path:
    """axe-core's ``axe.min.js``, shipped inside the ``axe-playwright-python`` wheel."""
    try:
        import axe_playwright_python
    except ImportError:
        pytest.fail("axe-playwright-python is missing: pip install -e '.[test]'")
    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    if not script.is_file():
        pytest.fail(f"{script} is missing: reinstall axe-playwright-python")
    return script


def axe_version() -> str:
    """The axe-core version in :func:`axe_script` (from its licence banner)."""
    head = axe_script().read_text("utf-8", errors="replace")[:400]
    found = re.search(r"axe v(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else "unknown"


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core in ``page`` and return its violations for the WCAG A/AA tags."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    options = {"runOnly": {"type": "tag", "values": tags or WCAG_TAGS}}
    return page.evaluate("async (opts) => (await axe.run(document, opts)).violations", options)


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v.get('impact')}): {v['help']} -> "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in violations
    )


