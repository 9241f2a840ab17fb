"""The registry of named, versioned rules, imported by rubric, evidence and scoring alike.

Like spaCy's ``registrations.py``: this module owns the table of names and fills it from the
modules that *define* the functions (:mod:`rbm_surveys.docs.rules`), which themselves import
nothing from the rubric loader or the scorer. So ``rubric -> registry -> rules`` and
``scoring -> registry``: no import cycle (``tests/test_docs_imports.py`` checks the graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from rbm_surveys.errors import UsageError

__all__ = ["Registry", "registry"]


@dataclass(frozen=True)
class _Registered:
    func: Callable[..., Any]
    params: dict[str, tuple[type | tuple[type, ...], Any]]  # name -> (types, default)


class Registry:
    """Named, versioned functions looked up from rubric data.

    ``kind`` is ``"level"`` (evidence -> level per criterion) or ``"aggregate"`` (levels ->
    document score and band). Each function declares its parameters with types and defaults,
    so a rubric's ``params`` are checked at load time against the function they feed.
    """

    def __init__(self) -> None:
        self._funcs: dict[str, dict[str, _Registered]] = {"level": {}, "aggregate": {}}
        self._populated = False

    def register(self, kind: str, name: str, **params: tuple[Any, Any]):
        """Decorator: register ``func`` under ``kind``/``name`` with typed ``params``."""
        def deco(func):
            self._funcs[kind][name] = _Registered(func, params)
            return func

        return deco

    def _populate(self) -> None:
        if self._populated:
            return
        self._populated = True
        from rbm_surveys.docs.rules import BUILTIN  # defines functions, imports no registry

        for kind, name, func, params in BUILTIN:
            self._funcs[kind].setdefault(name, _Registered(func, params))

    def get(self, kind: str, name: str) -> _Registered:
        """The registered function ``name`` of ``kind``; unknown names raise ``UsageError``."""
        self._populate()
        try:
            return self._funcs[kind][name]
        except KeyError:
            raise UsageError(f"no {kind} rule named {name!r}",
                             hint=f"available: {', '.join(self.names(kind))}") from None

    def names(self, kind: str) -> list[str]:
        """Sorted names registered for ``kind``."""
        self._populate()
        return sorted(self._funcs[kind])


registry = Registry()
