"""Model versions on disk: the base model ships in the package; a shop's retrained models
live under ``<data dir>/models/nlp/<version>/`` with a ``current`` file naming the active one
and the one before it kept for going back."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

from .model import BASE_MODEL, LinearModel, load

KEEP = 2


def directory(data_dir: str | Path) -> Path:
    return Path(data_dir) / "models" / "nlp"


def active_path(data_dir: str | Path | None) -> Path:
    if data_dir:
        pointer = directory(data_dir) / "current"
        if pointer.exists():
            candidate = directory(data_dir) / pointer.read_text().strip()
            if (candidate / "model.npz").exists():
                return candidate
    return BASE_MODEL


def active(data_dir: str | Path | None) -> LinearModel:
    return load(active_path(data_dir))


def new_version() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def install(model: LinearModel, data_dir: str | Path) -> Path:
    """Save ``model`` as the active version; keep the previous one, drop older ones."""
    root = directory(data_dir)
    target = root / model.version
    model.save(target)
    (root / "current.tmp").write_text(model.version)
    (root / "current.tmp").replace(root / "current")
    versions = sorted(p for p in root.iterdir() if p.is_dir())
    for old in versions[:-KEEP]:
        shutil.rmtree(old)
    load.cache_clear()
    return target


def roll_back(data_dir: str | Path) -> str:
    """Make the version before the active one active again (the base model when none is
    left); its name."""
    root = directory(data_dir)
    pointer = root / "current"
    current = pointer.read_text().strip() if pointer.exists() else ""
    if not current:
        raise LookupError("the base model is active; there is nothing to go back to")
    older = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name < current)
    if older:
        pointer.write_text(older[-1])
    else:
        pointer.unlink()
    load.cache_clear()
    return older[-1] if older else "base"
