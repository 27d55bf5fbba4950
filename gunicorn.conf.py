"""gunicorn's settings for the summit: `gunicorn -c gunicorn.conf.py wsgi:app`.

Each setting can be changed by an environment variable (the README's table names them),
so the systemd unit and the compose file use this file as it is.
"""

import ctypes
import os
import re
import time
from pathlib import Path

# Where this instance listens. Behind the TLS proxy, on the same host or the private
# network; two instances on one host need two ports.
bind = [os.environ.get("SUMMIT_BIND", "127.0.0.1:8000")]

# Threads serve the waiting (database, Redis, Stripe, SMTP is in the worker), processes
# the CPU (templates, PDFs). Two processes a core is gunicorn's rule of thumb.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("SUMMIT_THREADS", "4"))

# A request that takes longer than this is stuck: the process is replaced. Heavy work
# (badge runs, mail) is done by `flask worker`, not here.
timeout = int(os.environ.get("SUMMIT_TIMEOUT", "60"))
# On SIGTERM (systemctl stop, a deploy) requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("SUMMIT_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A process is replaced after this many requests (plus jitter, so not all at once):
# whatever memory a long day of PDFs leaves behind is returned.
max_requests = int(os.environ.get("SUMMIT_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# Logs go to standard output and error, where systemd's journal or the container
# runtime keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SUMMIT_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# X-Forwarded-* is trusted from the proxy only (the app's ProxyFix trusts one hop).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's control socket (`gunicornc`) is one path per user by default: a second
# instance on the host would take it over. Each instance gets its own, named by its
# address, in systemd's runtime directory for the unit or in instance/.
_run_dir = Path(os.environ.get("RUNTIME_DIRECTORY") or Path(__file__).resolve().parent / "instance")
_run_dir.mkdir(parents=True, exist_ok=True)
_instance = re.sub(r"[^A-Za-z0-9]+", "-", bind[0])
control_socket = str(_run_dir / f"gunicorn-{_instance}.ctl")


# glibc's malloc keeps what a thread freed in that thread's arena (up to 8 per core) and
# raises its thresholds as it goes, so a process answering PDFs on four threads grows
# and never gives back. Two arenas and fixed thresholds of 128 KiB (big buffers mapped
# and unmapped, free heap returned) keep a web process about 10 MB smaller after a day
# at the door (bench/arrival.py). Set here, in the master, before it forks its workers.
def _tune_malloc() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return
    m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8
    libc.mallopt(m_arena_max, 2)
    libc.mallopt(m_mmap_threshold, 128 * 1024)
    libc.mallopt(m_trim_threshold, 128 * 1024)


_tune_malloc()

# Each process starts its own app: nothing (database connections, the limiter's Redis
# pool) is shared across a fork.
preload_app = False

# /metrics sums every process's counts, which each writes to files here (set before
# any process imports the app, emptied when the instance starts).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_run_dir / f"metrics-{_instance}"))


def on_starting(server):
    metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()


def post_worker_init(worker):
    """Before a process takes requests it makes one arrival badge of each door layout
    (summit.services.badges.arrival.warm_up): the first badge at the door after a start
    or a deploy is then as fast as the rest. SUMMIT_WARM_UP=0 skips it."""
    if os.environ.get("SUMMIT_WARM_UP", "1") == "0":
        return
    from summit.services.badges.arrival import warm_up

    started = time.monotonic()
    try:
        warm_up()
    except Exception:  # a badge that cannot be made now must not stop the process
        worker.log.exception("Warming up the badge renderer failed")
    else:
        worker.log.info("Badge renderer warmed up in %.1f s", time.monotonic() - started)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
