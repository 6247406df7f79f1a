"""Make sure every reader is registered, whichever reader module was imported first.

``cupola.sources.readers()`` imports the reader modules only while its registry is empty, so importing
one reader directly (a test, the CLI's --map hook) would leave the others unregistered. Each reader
module of this package calls ``load_all_readers()`` after registering itself.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all_readers() -> None:
    import cupola.sources as package

    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"cupola.sources.{module.name}")
