"""Prometheus metrics at /metrics: every request counted and timed under its endpoint
(never its URL: no tokens or ids in labels), Stripe webhooks by outcome, and the
business figures of services/metrics.py.

Under gunicorn each process writes its counts to files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py sets it and empties it at start) and a scrape sums them, so any
process answers for all of its instance.
"""

import logging
import os
import time

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from .models import BadgeJobStatus, MessageStatus
from .services.metrics import figures

REQUESTS = Counter(
    "summit_http_requests_total", "Requests answered", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "summit_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBHOOKS = Counter(
    "summit_stripe_webhooks_total", "Stripe webhooks received, by outcome", ["outcome"]
)
CONTENT_TYPE = CONTENT_TYPE_LATEST
log = logging.getLogger(__name__)


def init_metrics(app: Flask) -> None:
    @app.before_request
    def _started():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _answered(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.endpoint or "unknown"
            LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        return response


class BusinessFigures:
    def collect(self):
        family = GaugeMetricFamily
        try:
            now = figures()
        except Exception:  # noqa: BLE001  (the database is down: the request figures still go)
            log.exception("Reading the business figures for /metrics failed")
            yield family("summit_figures_up", "The database figures could be read", value=0)
            return
        yield family("summit_figures_up", "The database figures could be read", value=1)
        orders = family("summit_orders", "Orders by event and status", labels=["event", "status"])
        for slug, status, count in now.orders:
            orders.add_metric([slug, status], count)
        sold = family(
            "summit_tickets_sold", "Valid tickets of paid or invoiced orders", labels=["event"]
        )
        for slug, count in now.tickets_sold:
            sold.add_metric([slug], count)
        checkins = family(
            "summit_checkins", "Check-ins by event and station", labels=["event", "station"]
        )
        for slug, station, count in now.checkins:
            checkins.add_metric([slug, station], count)
        mails = family("summit_outbox_messages", "Mails by status", labels=["status"])
        for status in MessageStatus:
            mails.add_metric([status.value], now.mails.get(status.value, 0))
        oldest = family(
            "summit_outbox_oldest_unsent_seconds",
            "Age of the oldest mail not sent yet (0: none waiting)",
            value=now.oldest_unsent_seconds,
        )
        runs = family("summit_badge_runs", "Badge runs by status", labels=["status"])
        for status in BadgeJobStatus:
            runs.add_metric([status.value], now.badge_runs.get(status.value, 0))
        yield from (orders, sold, checkins, mails, oldest, runs)


def scrape() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, WEBHOOKS):
            registry.register(collector)
    registry.register(BusinessFigures())
    return generate_latest(registry)
