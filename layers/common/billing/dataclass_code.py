"""The methods ``dataclasses`` writes for each class, compiled once when the layer is built.

``@dataclass`` writes a class's ``__init__``, ``__eq__``, ``__hash__``, ``__repr__`` and, frozen,
``__setattr__`` and ``__delattr__`` as source text and compiles that text when the class is created: ~0.5 ms
a frozen class on python3.13, two thirds of it the compile. A function loads some 130 such classes (ours,
pydantic's), ~40 ms of its cold start. Python keeps a module's bytecode in ``.pyc`` files, but not this
code, so every cold start compiled it again.

The layer build (infra/packaging.py) imports every billing module once under ``record``, which keeps each
compiled text, keyed by the SHA-1 of the text, in ``dataclass_code.marshal`` beside this module. At cold
start ``install`` has ``dataclasses`` run the kept code object when it writes the same text, and compile as
usual when it writes another. The same text compiles to the same code: only the time differs. marshal's
format belongs to one interpreter version, so the file begins with the bytecode magic number of the one
that wrote it, and any other interpreter (the development venv's, a newer Lambda runtime) ignores it.
Without the file (tests, ``make run``) nothing is installed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

CACHE_FILE = Path(__file__).with_name("dataclass_code.marshal")
# Classes created through the cache, and compiled because their text was not in it (read by the bundle's
# test: every class a function composes should be a hit).
USED = {"hits": 0, "misses": 0}


def install(path: Path = CACHE_FILE) -> bool:
    """Serve ``dataclasses``' compiles from the file at ``path``, if one was written by this interpreter."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False
    if not data.startswith(MAGIC_NUMBER):
        return False
    # Each code object stays marshalled until its class is created: a function creates half to two thirds
    # of the classes recorded for the whole package.
    codes: dict[bytes, bytes] = marshal.loads(data[len(MAGIC_NUMBER) :])  # noqa: S302 (the layer's own file)

    def cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
        if isinstance(source, str):
            code = codes.get(_key(source))
            USED["hits" if code is not None else "misses"] += 1
            if code is not None:
                source = marshal.loads(code)  # noqa: S302
        exec(source, globals, locals)  # noqa: S102 (dataclasses' own exec: the same text, or its compiled code)

    _replace_exec(cached_exec)
    return True


def record(path: Path, import_all: Any) -> int:
    """Compile what ``dataclasses`` writes while ``import_all()`` runs, and write it to ``path``."""
    codes: dict[bytes, CodeType] = {}

    def recording_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
        if isinstance(source, str):
            key = _key(source)
            if key not in codes:
                codes[key] = compile(source, "<string>", "exec")
            source = codes[key]
        exec(source, globals, locals)  # noqa: S102

    _replace_exec(recording_exec)
    try:
        import_all()
    finally:
        _replace_exec(None)
    path.write_bytes(MAGIC_NUMBER + marshal.dumps({key: marshal.dumps(code) for key, code in codes.items()}))
    return len(codes)


def record_package() -> int:
    """What the layer build runs (in the layer's interpreter, the layer alone on its path): every billing
    module imported once, the compiled texts written beside this module."""
    import importlib
    import pkgutil

    import billing

    def import_every_module() -> None:
        for module in pkgutil.walk_packages(billing.__path__, "billing."):
            importlib.import_module(module.name)

    return record(CACHE_FILE, import_every_module)


def _key(source: str) -> bytes:
    return hashlib.sha1(source.encode(), usedforsecurity=False).digest()


def _replace_exec(replacement: Any) -> None:
    # dataclasses calls the name ``exec``, found in its module's globals before the builtins: shadowed there
    # (None: the builtin again).
    if replacement is None:
        vars(dataclasses).pop("exec", None)
    else:
        vars(dataclasses)["exec"] = replacement
