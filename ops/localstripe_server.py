"""Run localstripe (a Stripe-compatible test server) bound to loopback only.

    .venv/bin/python ops/localstripe_server.py --host 127.0.0.1 --port 8420

localstripe's own CLI binds every interface, so this serves its aiohttp app directly. It also
keeps the state in memory only: the stock server pickles its whole store to the fixed path
/tmp/localstripe.pickle on every write (slow as the store grows, and shared by every instance on
the machine). State therefore starts empty at each start; bin/vitrine re-registers the webhook.
Started and stopped by bin/vitrine (PID file var/run/localstripe.pid).
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web
from localstripe import resources
from localstripe.server import app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()

    resources.Store.dump_to_disk = lambda self: None  # in memory only, see above

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    web.run_app(app, host=args.host, port=args.port, access_log=logging.getLogger("aiohttp.access"))


if __name__ == "__main__":
    main()
