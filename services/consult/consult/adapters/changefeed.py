"""Fan-out between instances with PostgreSQL LISTEN/NOTIFY: a transaction that changes the queue
or a session sends `pg_notify` (delivered when it commits); every API instance listens on one
connection and wakes its local sockets, which then read the truth from the database. A missed
notification costs only latency: sockets also re-read on a short timeout."""

import asyncio
import contextlib
import logging
from collections import defaultdict

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "consult_changes"


def notify(session: Session, topic: str) -> None:
    """Announce a change of `topic` when the surrounding transaction commits."""
    session.execute(text("SELECT pg_notify(:channel, :topic)"), {"channel": CHANNEL, "topic": topic})


class Subscription:
    def __init__(self, feed: "ChangeFeed", topic: str) -> None:
        self.feed, self.topic = feed, topic
        self.changed = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for a change (or the timeout); True if a change was announced."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.changed.wait(), timeout)
        changed = self.changed.is_set()
        self.changed.clear()
        return changed

    def close(self) -> None:
        self.feed._subscribers[self.topic].discard(self)


class ChangeFeed:
    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    def subscribe(self, topic: str) -> Subscription:
        self._ensure_listening()
        subscription = Subscription(self, topic)
        self._subscribers[topic].add(subscription)
        return subscription

    def _ensure_listening(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._subscribers.clear()  # subscriptions belong to one event loop
            self._task = loop.create_task(self._listen(), name="consult-changefeed")

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    async for notification in connection.notifies():
                        for subscription in list(self._subscribers.get(notification.payload, ())):
                            subscription.changed.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("change feed lost its connection; sockets fall back to polling", exc_info=True)
                await asyncio.sleep(1.0)
