"""Local SMTP sink: accepts every message and saves it as an .eml file.

    .venv/bin/python ops/smtp_sink.py --host 127.0.0.1 --port 1025 --maildir var/mail

Each message is written to <maildir>/<UTC timestamp>-<uuid>.eml (atomically: a reader never sees
a half-written file), with X-Envelope-From, X-Envelope-To and X-Peer headers prepended, and one
log line per message goes to stdout. Started and stopped by bin/vitrine (PID file var/run/smtp.pid).
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import logging
import os
import signal
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("smtp_sink")


class SaveToMaildir:
    """aiosmtpd handler: every DATA becomes one .eml file."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        now = datetime.now(UTC)
        name = f"{now:%Y%m%dT%H%M%S.%f}Z-{uuid.uuid4().hex[:12]}.eml"
        content = envelope.original_content or b""
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        headers = (
            f"X-Envelope-From: {envelope.mail_from or ''}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
            f"X-Peer: {peer}\r\n"
        ).encode()
        tmp = self.maildir / f".{name}.tmp"
        tmp.write_bytes(headers + content)
        os.replace(tmp, self.maildir / name)
        try:
            subject = str(email.message_from_bytes(content, policy=email.policy.default)["subject"] or "")
        except Exception:  # noqa: BLE001 - a malformed header must not lose the message
            subject = "?"
        log.info(
            "saved %s from=%s to=%s subject=%r bytes=%d",
            name,
            envelope.mail_from,
            ",".join(envelope.rcpt_tos),
            subject,
            len(content),
        )
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", default="var/mail")
    args = parser.parse_args()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    maildir = Path(args.maildir).resolve()
    maildir.mkdir(parents=True, exist_ok=True)

    controller = Controller(
        SaveToMaildir(maildir),
        hostname=args.host,
        port=args.port,
        data_size_limit=20 * 1024 * 1024,
        decode_data=False,
    )
    controller.start()
    log.info("listening on %s:%d, saving to %s", args.host, args.port, maildir)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()
        log.info("stopped")


if __name__ == "__main__":
    main()
