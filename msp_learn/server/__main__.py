"""Run the kit's Voila application: ``python -m msp_learn.server APPS_DIR [--Voila.opt=...]``."""

from ._app import main

main()
