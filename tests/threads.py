"""Running work in real threads at once, as several doors, workers or buyers would."""

import threading
from collections.abc import Callable


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
