"""raw -> Record. Pure functions: clean text, never invent values.

``to_record(raw_item)`` dispatches on the item's source kind to the normaliser registered for it.
"""

from __future__ import annotations

from collections.abc import Callable

from cupola.model import RawItem, Record

Normaliser = Callable[[RawItem], Record]
_NORMALISERS: dict[str, Normaliser] = {}


def register(kind: str) -> Callable[[Normaliser], Normaliser]:
    def wrap(func: Normaliser) -> Normaliser:
        _NORMALISERS[kind] = func
        return func

    return wrap


def to_record(item: RawItem) -> Record:
    """Normalise one raw item. Raises ValueError (with a reason a person can act on) if it cannot."""
    _load_builtin()
    try:
        normaliser = _NORMALISERS[item.kind]
    except KeyError:
        raise ValueError(f"no normaliser for source kind {item.kind!r}") from None
    return normaliser(item)


def _load_builtin() -> None:
    if _NORMALISERS:
        return
    import importlib
    import pkgutil

    import cupola.normalise as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"cupola.normalise.{module.name}")
