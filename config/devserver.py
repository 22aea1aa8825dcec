"""`make run`: uvicorn's command line, with its reloader process holding the database.

uvicorn's reloader runs the app in a child process that it replaces on every change. Importing
the settings here first joins (or starts) the embedded PostgreSQL server for the reloader's whole
life, as runserver's reloader did, so the server keeps running across reloads instead of
stopping with each child and starting again with the next.
"""

import importlib
import sys

import uvicorn

if __name__ == "__main__":
    # Only in the reloader: each server process imports this module too (as __mp_main__), and
    # must leave the settings to config.asgi, which turns the connection pool on before them.
    importlib.import_module("config.settings")
    sys.exit(uvicorn.main())
