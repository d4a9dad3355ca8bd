"""Make a written build the published one, atomically: the last stage of the pipeline.

A build directory holds immutable versions and one pointer:

    build/versions/<version>/   one complete build, never changed once it is there
    build/current               symlink to versions/<version>: the published one, swapped atomically
    build/<file>                symlink to current/<file>, so `build/dataset.nq` is always the current file

The files are written into a hidden directory under versions/ and renamed to their version only when
complete; then a new `current` link is renamed over the old one (rename(2) is atomic), so a failed
build leaves the previous build untouched and a reader never sees half a build. A running server
opens a version and holds a shared lock on its directory (flock) for as long as it serves from it;
old versions are pruned only when nobody holds that lock, so a request in flight can always finish
reading the files of the version it started on.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from alliance_kg.graph import store as query_store

VERSIONS = "versions"
CURRENT = "current"
MANIFEST = "manifest.json"
KEEP = 2     # versions kept besides those in use: the current one and the one before (to go back to)


@dataclass
class Publication:
    directory: Path       # the version's own directory (immutable)
    manifest: dict


def current(build_dir: Path) -> Path | None:
    """The directory of the published version (resolved: it stays valid after the pointer moves), or None.

    A build directory in the flat layout of earlier releases (manifest.json as a plain file) is its own
    current version."""
    build_dir = Path(build_dir)
    pointer = build_dir / CURRENT
    if pointer.is_symlink():
        target = pointer.resolve()
        return target if (target / MANIFEST).is_file() else None
    if (build_dir / MANIFEST).is_file() and not (build_dir / MANIFEST).is_symlink():
        return build_dir
    return None


def versions(build_dir: Path) -> list[Path]:
    """Every complete version, oldest first."""
    root = Path(build_dir) / VERSIONS
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


class Lease:
    """A shared lock on one version's directory: while held, no build prunes it (released on close,
    or by the kernel when the process dies, so a crashed server never pins a version for ever)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.fd: int | None = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self.fd, fcntl.LOCK_SH)
        if not (self.directory / MANIFEST).is_file():    # pruned between resolving and locking
            self.release()
            raise FileNotFoundError(f"version {self.directory.name} was pruned before it could be opened")

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)    # closing the descriptor drops its lock
            self.fd = None


def _exclusive(directory: Path) -> int | None:
    """An exclusive lock on a version nobody uses (its descriptor), or None when a server holds it."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        os.close(fd)
        return None


def prune(build_dir: Path, keep: int = KEEP) -> list[Path]:
    """Delete old versions nobody uses: never the current one, never one a server holds, and never
    the `keep` newest. Returns what was deleted."""
    now = current(build_dir)
    candidates = versions(build_dir)
    removed = []
    for version in candidates[:max(0, len(candidates) - keep)]:
        if version == now:
            continue
        fd = _exclusive(version)
        if fd is None:
            continue
        try:
            # Renamed while locked: a server that was waiting for its shared lock finds the name gone
            # (Lease checks) and opens the current version instead.
            doomed = version.with_name(f".delete-{version.name}-{os.getpid()}")
            os.rename(version, doomed)
            shutil.rmtree(doomed, ignore_errors=True)
            removed.append(version)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _migrate_flat(build_dir: Path) -> None:
    """A build directory of the flat layout: its files go, the new layout replaces them (once)."""
    manifest = build_dir / MANIFEST
    if not manifest.is_file() or manifest.is_symlink():
        return
    try:
        names = [f["name"] for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]]
    except (ValueError, KeyError, TypeError):
        names = []
    for name in names + [MANIFEST]:
        path = build_dir / name
        if path.is_file() and not path.is_symlink() and "/" not in name:
            path.unlink()


def _point(build_dir: Path, version: Path, names: list[str]) -> None:
    """Swap `current` to `version` atomically, and keep a link build/<name> -> current/<name> for each file."""
    tmp = build_dir / f".{CURRENT}.new-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.join(VERSIONS, version.name), tmp)
    os.replace(tmp, build_dir / CURRENT)
    wanted = set(names) | {MANIFEST}
    for path in build_dir.iterdir():
        # links of files an older version had and this one has not
        if path.is_symlink() and path.name not in wanted and os.readlink(path).startswith(CURRENT + os.sep):
            path.unlink()
    for name in sorted(wanted):
        link = build_dir / name
        if not link.is_symlink() and not link.exists():
            os.symlink(os.path.join(CURRENT, name), link)


def publish(build_dir: Path, write) -> Publication:
    """Run `write(tmp_dir) -> manifest` into a fresh version directory, then point `current` at it."""
    build_dir = Path(build_dir)
    root = build_dir / VERSIONS
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".new-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        manifest = write(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    version = root / manifest["version"]
    if (version / MANIFEST).is_file():
        # The same version again (builds are byte-identical): the published one stays as it is,
        # readers of it included; only its place in the order of versions moves to the newest.
        shutil.rmtree(tmp, ignore_errors=True)
        os.utime(version)
    else:
        shutil.rmtree(version, ignore_errors=True)   # an incomplete leftover of a crashed build
        # The servers' query store, derived from the written files (graph/store.py): inside the version
        # before it is renamed into place, so every version a server can open has its store.
        query_store.write(tmp, manifest)
        os.rename(tmp, version)
    _migrate_flat(build_dir)
    _point(build_dir, version, [f["name"] for f in manifest["files"]])
    prune(build_dir)
    return Publication(version, manifest)
