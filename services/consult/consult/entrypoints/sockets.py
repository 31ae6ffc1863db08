"""What every consult WebSocket shares: the hello handshake (browsers cannot set headers on a
WebSocket, so credentials come in the first message, never in the URL), serialized sends, and
close codes that say why."""

import asyncio
import json
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketState

from consult.domain.session import MAX_MESSAGE_BYTES, ProtocolError, parse_client_message
from vitrine_shared.auth.principal import Principal
from vitrine_shared.problems import Problem


class Close:
    NORMAL = 1000
    POLICY = 1008
    TOO_LARGE = 1009
    REPLACED = 4000
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    HELLO_TIMEOUT = 4408
    ENDED = 4410
    RELAY_FULL = 4429


class Socket:
    def __init__(self, websocket: WebSocket) -> None:
        self.ws = websocket
        self._send_lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            if self.ws.application_state == WebSocketState.CONNECTED:
                await self.ws.send_text(json.dumps(message, default=str))

    async def error(self, code: str, reason: str) -> None:
        await self.send({"type": "error", "code": code, "reason": reason})

    async def close(self, code: int, reason: str) -> None:
        async with self._send_lock:
            if self.ws.application_state == WebSocketState.CONNECTED:
                await self.ws.close(code=code, reason=reason[:120])

    async def receive(self) -> dict[str, Any] | None:
        """The next valid message; protocol errors are answered and skipped, an oversized
        message closes the socket (1009). None when the socket closed."""
        while True:
            event = await self.ws.receive()
            if event["type"] == "websocket.disconnect":
                return None
            raw = event.get("text")
            if raw is None:
                raw = event.get("bytes") or b""
            if len(raw) > MAX_MESSAGE_BYTES:
                await self.close(Close.TOO_LARGE, f"messages are at most {MAX_MESSAGE_BYTES} bytes")
                return None
            try:
                return parse_client_message(raw)
            except ProtocolError as refused:
                await self.error(refused.code, refused.reason)

    async def hello(self, timeout: float) -> dict[str, Any] | None:
        try:
            message = await asyncio.wait_for(self.receive(), timeout)
        except TimeoutError:
            await self.close(Close.HELLO_TIMEOUT, "send 'hello' first")
            return None
        if message is None:
            return None
        if message["type"] != "hello":
            await self.close(Close.POLICY, "the first message is 'hello'")
            return None
        return message

    def principal(self, access_token: Any) -> Principal | None:
        if not isinstance(access_token, str) or not access_token:
            return None
        verifier = getattr(self.ws.app.state, "token_verifier", None)
        if verifier is None:
            return None
        try:
            return verifier.verify(access_token)
        except Problem:
            return None


def close_code_for(problem: Problem) -> int:
    return {401: Close.UNAUTHORIZED, 403: Close.FORBIDDEN, 404: Close.NOT_FOUND, 409: Close.ENDED}.get(
        problem.status, Close.POLICY
    )
