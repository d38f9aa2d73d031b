"""Inside a page's Voila kernel: wait for the page's request, and who it is for.

A preheated kernel runs the app before anyone asks for a page, then fetches the request
over the server's ``/voila/query/<proof>/<kernel id>`` socket, where ``proof`` (made with the
server secret every kernel inherits) shows it is that kernel: a leaked kernel id alone reads
nothing. The person arrives as a token signed with the same secret, which is checked here.
"""

from __future__ import annotations

import os

from msp_learn import identity


def query_url(environ: dict[str, str] | None = None) -> str | None:
    """The request-info address of this kernel, without its kernel id (Voila adds it)."""
    env = os.environ if environ is None else environ
    secret, kernel_id = env.get(identity.SECRET_ENV), env.get("VOILA_KERNEL_ID")
    if not secret or not kernel_id:
        return None
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return (f"{protocol}://{host}:{port}{base}voila/query/"
            f"{identity.query_proof(secret, kernel_id)}")


def wait_for_request() -> None:
    """Block a preheated kernel until its page is requested, then put the request (query
    string, the signed person...) in ``os.environ``; at once in any other kernel."""
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return
    from voila.utils import wait_for_request as voila_wait

    url = query_url()
    if url is not None:
        voila_wait(url)


def signed_in_person() -> identity.Person | None:
    """The person the server handed this kernel (verified), or None."""
    return identity.kernel_person()
