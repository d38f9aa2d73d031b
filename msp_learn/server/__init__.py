"""Serve the kit's Voila apps locally: kit template, no CDN, culling, reliable preheating."""

from ._argv import TEMPLATE_NAME, default_pool_size, template_root, voila_argv
from ._serve import serve, server_url, spawn, stop, wait_until_listening

__all__ = [
    "TEMPLATE_NAME",
    "default_pool_size",
    "serve",
    "server_url",
    "spawn",
    "stop",
    "template_root",
    "voila_argv",
    "wait_until_listening",
]
