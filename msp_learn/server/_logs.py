"""The server's logging: everything to its output (a log file under ``msp-learn serve``),
and only what the person running the kit must act on to their terminal.

``msp-learn serve`` starts the server with its standard output and error going to the log
file, and hands it the terminal as one more file descriptor, named in ``CONSOLE_FD_ENV`` with
the level to show in ``CONSOLE_LEVEL_ENV``. Kernels inherit the server's output (the log
file), never the terminal.

Messages that are true but say nothing a trainer can act on are written at DEBUG instead
(:class:`Demote`): for example "Notebook app.ipynb is not trusted", which Voila's contents
manager logs for every page although Voila runs the kit's apps whatever their trust.
"""

from __future__ import annotations

import logging
import os
import sys

#: Environment variables ``msp-learn serve`` sets for the server it starts.
CONSOLE_FD_ENV = "MSP_LEARN_CONSOLE_FD"
CONSOLE_LEVEL_ENV = "MSP_LEARN_CONSOLE_LEVEL"

#: Message formats (``record.msg`` before arguments) written at DEBUG, not as warnings.
DEMOTED = (
    "Notebook %s is not trusted",
)

#: One line per message in the log file: when, how serious, who, what.
FILE_FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"
FILE_DATEFMT = "%Y-%m-%d %H:%M:%S"


class Demote(logging.Filter):
    """Rewrite the messages in :data:`DEMOTED` as DEBUG (the handlers then drop them unless
    the level is debug)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in DEMOTED and record.levelno > logging.DEBUG:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True  # each handler's own level then keeps or drops it


class ConsoleOnly(logging.Filter):
    """What the terminal shows: no web-request lines below ERROR (a 404 for a favicon or an
    old link is for the log, not for the trainer)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("tornado.access") and record.levelno < logging.ERROR)


def level_number(name: str) -> int:
    """``"warning"`` -> ``logging.WARNING`` (any case)."""
    number = logging.getLevelName(name.upper())
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {name!r}")
    return number


def setup(app_log: logging.Logger, level: int) -> None:
    """Route the server's loggers: ``app_log`` (Voila's) and the root logger (tornado's
    access and error logs) to standard error at ``level``, in :data:`FILE_FORMAT`; and, when
    ``msp-learn serve`` handed over the terminal, a copy of what it asked for to that."""
    formatter = logging.Formatter(FILE_FORMAT, FILE_DATEFMT)
    root = logging.getLogger()
    if not any(getattr(h, "_msp_learn", False) for h in root.handlers):
        to_file = logging.StreamHandler(sys.stderr)
        to_file.setFormatter(formatter)
        to_file._msp_learn = True
        root.addHandler(to_file)
        root.setLevel(level)
    for logger in (app_log, root):
        if not any(isinstance(f, Demote) for f in logger.filters):
            logger.addFilter(Demote())
    # One line per static file of every page is for debugging, not for the log; refused and
    # failed requests (4xx, 5xx) are warnings and errors, and stay.
    if level > logging.DEBUG:
        logging.getLogger("tornado.access").setLevel(logging.WARNING)
    for handler in app_log.handlers:
        handler.setFormatter(formatter)
    console = _console_stream()
    if console is None:
        return
    stream, console_level = console
    to_console = logging.StreamHandler(stream)
    to_console.setLevel(console_level)
    to_console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    to_console.addFilter(ConsoleOnly())
    app_log.addHandler(to_console)
    root.addHandler(to_console)
    # Below the file's level nothing reaches the loggers' handlers; let the console's lower
    # level through (the file handlers keep their own level).
    for logger in (app_log, root):
        for handler in logger.handlers:
            if handler is not to_console and handler.level == logging.NOTSET:
                handler.setLevel(logger.level or level)
        logger.setLevel(min(logger.level or level, console_level))


def _console_stream():
    """The terminal ``msp-learn serve`` handed over, and the level to show there; or None.
    The variables are removed so that kernels (which never get the descriptor) do not see
    them."""
    fd = os.environ.pop(CONSOLE_FD_ENV, None)
    level = os.environ.pop(CONSOLE_LEVEL_ENV, "warning")
    if not fd:
        return None
    try:
        stream = os.fdopen(int(fd), "w", buffering=1, closefd=False)
        return stream, level_number(level)
    except (OSError, ValueError):
        return None
