"""pika connections with the settings every Vitrine connection shares, and the reconnect loop
every long-lived connection runs in."""

import contextlib
import logging
import threading
from collections.abc import Callable

import pika

log = logging.getLogger(__name__)

# Errors after which the only cure is a new connection.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    pika.exceptions.AMQPConnectionError,
    pika.exceptions.AMQPChannelError,
    pika.exceptions.StreamLostError,
    ConnectionError,
    OSError,
)


def connect(amqp_url: str, *, name: str, heartbeat: int = 30) -> pika.BlockingConnection:
    parameters = pika.URLParameters(amqp_url)
    parameters.heartbeat = heartbeat
    parameters.blocked_connection_timeout = 30
    parameters.socket_timeout = 5
    parameters.connection_attempts = 1
    parameters.client_properties = {"connection_name": name}
    return pika.BlockingConnection(parameters)


def check_broker(amqp_url: str) -> None:
    connection = connect(amqp_url, name="vitrine-readiness")
    connection.close()


def close_quietly(connection: pika.BlockingConnection) -> None:
    if connection.is_open:
        with contextlib.suppress(*CONNECTION_ERRORS):
            connection.close()


def keep_connected(
    stop: threading.Event,
    work: Callable[[threading.Event], None],
    *,
    name: str,
    errors: tuple[type[BaseException], ...] = CONNECTION_ERRORS,
) -> None:
    """Run `work` (which connects, then works until `stop`) again after every lost connection,
    waiting 0.5 s, 1 s, 2 s... up to 10 s between attempts. An unexpected error is logged with its
    traceback and retried the same way: a worker thread must never die silently."""
    backoff = 0.5
    while not stop.is_set():
        try:
            work(stop)
            backoff = 0.5
        except errors as exc:
            log.warning("connection lost; retrying", extra={"worker": name, "error": repr(exc), "retry_in_s": backoff})
        except Exception:
            log.exception("unexpected error; retrying", extra={"worker": name, "retry_in_s": backoff})
        else:
            continue
        stop.wait(backoff)
        backoff = min(backoff * 2, 10.0)
