"""Make a written build the published one, atomically: the last stage of the pipeline.

The files are written into a fresh sibling directory and renamed into place only when complete, so a
failed build leaves the previous build untouched and a reader never sees half a build.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Publication:
    directory: Path
    manifest: dict


def publish(build_dir: Path, write) -> Publication:
    """Run `write(tmp_dir) -> manifest` into a sibling directory, then swap it in for build_dir."""
    build_dir = Path(build_dir)
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = build_dir.parent / f".{build_dir.name}.new-{os.getpid()}"
    old = build_dir.parent / f".{build_dir.name}.old-{os.getpid()}"
    for leftover in (tmp, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        manifest = write(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if build_dir.exists():
        os.rename(build_dir, old)
    os.rename(tmp, build_dir)
    shutil.rmtree(old, ignore_errors=True)
    return Publication(build_dir, manifest)
