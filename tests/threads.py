"""Running work in real threads at once, as several doors, workers or buyers would."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def in_threads(app, count: int, work: Callable[[], object], timeout: float = 60) -> list:
    """Run `work` in `count` threads at once, each in its own app context (and so its
    own database session). Returns the results; re-raises the first error."""
    start = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout)
                results[index] = work()
            except BaseException as error:  # handed to the test thread below
                errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker thread did not finish"
    if errors:
        raise errors[0]
    return results


def seat_buyer(slug: str, type_id: int, **reserve) -> Callable[[], str]:
    """A buyer of one seat of a ticket type, for in_threads: "ok" when the seat was
    reserved, else the reason the shop refused (e.g. "sold_out", "voucher_held")."""
    from summit.services.events import get_event
    from summit.services.tickets.ordering import OrderError, reserve_tickets

    def buy() -> str:
        try:
            reserve_tickets(get_event(slug), {type_id: 1}, **reserve)
            return "ok"
        except OrderError as error:
            return error.reason

    return buy


@contextmanager
def worker_running(app) -> Iterator[None]:
    """`flask worker`'s rounds (services.worker.one_round) in a thread of the test, as
    a worker process beside the web server does them, until the block ends."""
    from summit.services.worker import one_round

    stop = threading.Event()

    def rounds() -> None:
        with app.app_context():
            while not stop.is_set():
                one_round()
                stop.wait(0.05)  # the worker's interval, short

    thread = threading.Thread(target=rounds, name="test-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive(), "the worker's round did not end"
