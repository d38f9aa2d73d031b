"""The key that lets a trainer run workshops on this machine's kit server (until sign-in
with roles replaces it): ``$MSP_LEARN_TRAINER_TOKEN``, else a file in the data folder."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

TOKEN_ENV = "MSP_LEARN_TRAINER_TOKEN"
TOKEN_FILE = "workshop-trainer-token"


def token_path() -> Path:
    from msp_learn.store import data_dir

    return data_dir() / TOKEN_FILE


def trainer_token() -> str:
    """``$MSP_LEARN_TRAINER_TOKEN``, else the key in the data folder's
    ``workshop-trainer-token`` file (made, readable only by its owner, the first time)."""
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV]
    path = token_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
        except FileExistsError:  # another process made it first
            return path.read_text("utf-8").strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
    return path.read_text("utf-8").strip()
