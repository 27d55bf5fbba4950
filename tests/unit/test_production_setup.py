"""The production set-up in the repository: the lock file production installs from, and
gunicorn.conf.py run as it is, two instances on one host."""

import logging
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.redis_server import free_port, said_by

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line.strip())
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_the_lock_file_has_the_runtime_pins_with_hashes_and_no_dev_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pins(project["dependencies"])
    dev = pins(project["optional-dependencies"]["dev"])
    lock_text = (ROOT / "requirements.lock").read_text()
    locked = pins(lock_text.splitlines())
    assert {name: locked.get(name) for name in runtime} == runtime
    assert not set(dev) & set(locked), "development tools in the production lock"
    # Every package in the lock, the transitive ones too, is pinned with its hashes.
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock_text.split("\n\n", 1)[-1].strip())
    packages = [b for b in blocks if not b.startswith("#")]
    assert len(packages) == len(locked) > len(runtime)
    assert all("--hash=sha256:" in block for block in packages)


def started(port: int, run_dir: Path, tmp_path: Path, workers: int = 1) -> subprocess.Popen:
    env = {
        **os.environ,
        "SUMMIT_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "RUNTIME_DIRECTORY": str(run_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'summit.db'}",
        "SECRET_KEY": "gunicorn-test-secret-key-long-enough-0123456789",
        "SUMMIT_WARM_UP": "0",  # test_a_process_is_warmed_before_it_serves
    }
    return subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def healthy(port: int, process: subprocess.Popen) -> bool:
    """Once gunicorn says it is up (its control socket is its last word at start), the
    first request waits in the listening socket until a process takes it."""
    said_by(process, process.stderr, "Control socket listening at")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
        return r.status == 200 and r.read() == b"ok\n"


def test_two_instances_on_one_host_each_keep_their_own_control_socket(tmp_path):
    ports = [free_port(), free_port()]
    run_dirs = [tmp_path / "a", tmp_path / "b"]
    for run_dir in run_dirs:
        run_dir.mkdir()
    processes = [started(port, d, tmp_path) for port, d in zip(ports, run_dirs, strict=True)]
    try:
        for port, process in zip(ports, processes, strict=True):
            assert healthy(port, process)
        sockets = [sorted(p.name for p in d.glob("*.ctl")) for d in run_dirs]
        assert sockets == [[f"gunicorn-127-0-0-1-{port}.ctl"] for port in ports]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)  # a graceful stop, as systemd sends
        for process in processes:
            assert process.wait(timeout=30) == 0


def test_the_systemd_units_verify(tmp_path):
    """systemd reads every unit without a complaint (unknown keys, missing programs),
    with the install paths pointed at this checkout."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: apt-get install systemd", pytrace=False)
    (tmp_path / "summit.env").write_text("SUMMIT_ENV=production\n")
    units = []
    for unit in sorted((ROOT / "deploy" / "systemd").glob("summit-*")):
        text = unit.read_text()
        for installed, here in (
            ("/opt/summit/venv", str(Path(sys.executable).parent.parent)),
            ("/opt/summit/app", str(ROOT)),
            ("/etc/summit/summit.env", str(tmp_path / "summit.env")),
        ):
            text = text.replace(installed, here)
        instance = tmp_path / unit.name.replace("@.", "@1.")
        instance.write_text(text)
        units.append(str(instance))
    assert [Path(u).name for u in units] == [
        "summit-backup.service",
        "summit-backup.timer",
        "summit-web@1.service",
        "summit-worker@1.service",
    ]
    verified = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, timeout=60
    )
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr


def test_metrics_are_summed_over_the_processes_of_an_instance(tmp_path):
    """Two processes behind one port: /metrics counts every request once, whichever
    process answered it and whichever answers the scrape."""
    port = free_port()
    process = started(port, tmp_path, tmp_path, workers=2)
    try:
        assert healthy(port, process)
        for _ in range(40):  # a new connection each: the processes take turns
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)
            except urllib.error.HTTPError as answer:
                assert answer.code == 503  # an empty database: not ready
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    readyz = 'summit_http_requests_total{endpoint="ops.readyz",method="GET",status="503"}'
    assert f"{readyz} 40.0" in text
    assert "summit_figures_up 0.0" in text  # no tables yet: the figures are missing, not a 500


def test_a_process_is_warmed_before_it_serves(monkeypatch, tmp_path):
    """gunicorn.conf.py's post_worker_init makes a badge (services.badges.arrival.warm_up)
    before the process takes a request: the process's renderer and the printing font's
    measures are made, for whichever thread answers first."""
    from types import SimpleNamespace

    from summit.services import name_type, pdf

    monkeypatch.delenv("SUMMIT_WARM_UP", raising=False)
    # Read as gunicorn reads it, the file sets these for its processes: not for this one
    # (the other tests' /metrics would look for a multiprocess folder).
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("RUNTIME_DIRECTORY", str(tmp_path))
    monkeypatch.setattr(pdf, "_renderer", None)
    name_type._advances.cache_clear()
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["post_worker_init"](SimpleNamespace(log=logging.getLogger("test")))
    assert pdf._renderer is not None
    assert name_type._advances.cache_info().currsize >= 1


@pytest.mark.parametrize("python", ["3.11.2", "3.11.14"])
def test_the_lock_file_has_what_every_python_311_needs(python):
    """pip-compile locks what the Python it runs on needs; production may run an older
    3.11 (Debian 12's is 3.11.2, where redis also needs async-timeout). Every requirement
    of every locked package that holds on that Python is locked too."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    locked = pins((ROOT / "requirements.lock").read_text().splitlines())
    environment = {"python_full_version": python, "python_version": "3.11", "extra": ""}
    missing = []
    for name in locked:
        try:
            wanted = requires(name) or []
        except PackageNotFoundError:  # not installed here (another platform's wheel)
            continue
        for line in wanted:
            need = Requirement(line)
            applies = need.marker is None or need.marker.evaluate(environment)
            if applies and need.name.lower().replace("_", "-") not in locked:
                missing.append(f"{name} needs {need}")
    assert missing == []
