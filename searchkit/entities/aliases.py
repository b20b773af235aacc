"""A user-editable alias file for the names the extraction rules miss.

TOML (or the same structure as JSON)::

    # written form = the name the facet shows
    [alias]
    "Erdogan" = "Recep Tayyip Erdoğan"
    "Bibi" = "Benjamin Netanjahu"

    # force a type: person, place or organisation
    [type]
    "Hamas" = "organisation"

    # never a facet value
    [ignore]
    names = ["Teilen", "Zum Thema"]

Keys are matched like facet values (case, diacritics and spacing ignored). The file is read from
the ``aliases=`` argument, else from the path in ``SEARCHKIT_ALIASES``; ``searchkit index
--aliases FILE`` and ``searchkit reextract --aliases FILE`` set that variable, so process-pool
workers see the same file; Dask workers get the rules read here with each task
(``pipeline.enrich_on_dask``).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import SearchkitError
from ..model import EntityType, entity_key

ALIASES_ENV = "SEARCHKIT_ALIASES"


class AliasFileError(SearchkitError):
    """The alias file cannot be read or has the wrong structure."""

    http_status = 400


@dataclass(frozen=True)
class Aliases:
    """Renames, forced types and ignored names, all keyed by :func:`entity_key`."""

    names: dict[str, str] = field(default_factory=dict)
    types: dict[str, EntityType] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    def apply(self, name: str, kind: EntityType) -> tuple[str, EntityType] | None:
        """The facet value for one extracted name, or None to drop it."""
        key = entity_key(name)
        if key in self.ignore:
            return None
        name = self.names.get(key, name)
        key = entity_key(name)
        if key in self.ignore:
            return None
        return name, self.types.get(key, kind)

    def __bool__(self) -> bool:
        return bool(self.names or self.types or self.ignore)


NO_ALIASES = Aliases()


def parse_aliases(data: dict, source: str = "alias file") -> Aliases:
    """Validate the decoded TOML/JSON structure."""
    if not isinstance(data, dict):
        raise AliasFileError(f"{source}: expected a table with [alias], [type], [ignore]")
    unknown = set(data) - {"alias", "type", "ignore"}
    if unknown:
        raise AliasFileError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    for section in ("alias", "type"):
        if not isinstance(data.get(section) or {}, dict):
            raise AliasFileError(f"{source}: [{section}] must be a table of name = value lines")
    names, types = {}, {}
    for written, canonical in (data.get("alias") or {}).items():
        if not isinstance(canonical, str) or not canonical.strip():
            raise AliasFileError(f"{source}: alias {written!r} needs a non-empty name")
        names[entity_key(written)] = canonical.strip()
    for name, kind in (data.get("type") or {}).items():
        try:
            types[entity_key(name)] = EntityType(kind)
        except ValueError:
            allowed = ", ".join(t.value for t in EntityType)
            raise AliasFileError(f"{source}: type of {name!r} must be one of {allowed}") from None
    ignore = data.get("ignore") or {}
    ignored = ignore.get("names", []) if isinstance(ignore, dict) else ignore
    if not isinstance(ignored, list) or not all(isinstance(n, str) for n in ignored):
        raise AliasFileError(f"{source}: [ignore] names must be a list of strings")
    # a canonical name may itself carry a type
    return Aliases(names, types, frozenset(entity_key(n) for n in ignored))


def load_aliases(path: str | os.PathLike[str] | None = None) -> Aliases:
    """Read an alias file (TOML, or JSON by suffix); ``None`` reads ``$SEARCHKIT_ALIASES`` or
    returns no aliases."""
    if path is None:
        path = os.environ.get(ALIASES_ENV) or None
        if path is None:
            return NO_ALIASES
    resolved = Path(path).expanduser().resolve()
    stat = _stat(resolved)
    return _load_cached(str(resolved), stat)


def _stat(path: Path) -> tuple[float, int]:
    try:
        info = path.stat()
    except OSError as exc:
        raise AliasFileError(f"alias file {path}: {exc.strerror or exc}") from exc
    return info.st_mtime, info.st_size


@lru_cache(maxsize=8)
def _load_cached(path: str, _stat: tuple[float, int]) -> Aliases:
    """Parsed once per file version (the key includes mtime and size)."""
    try:
        raw = Path(path).read_bytes()
        data = json.loads(raw) if path.endswith(".json") else tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AliasFileError(f"alias file {path}: {exc}") from exc
    return parse_aliases(data, f"alias file {path}")
