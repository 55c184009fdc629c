"""Login throttling: failed logins from one address wait longer and longer.

gradio checks the password itself (``launch(auth=…)``, ``POST /login``) and its
check can neither wait nor see who is asking, so the throttle is an ASGI
middleware around that route:

- attempts from one address are taken one at a time (a burst of parallel guesses
  queues behind the first; more than ``MAX_QUEUED`` waiting are refused at once
  with 429), so parallel requests cannot get around the wait;
- after ``FREE_FAILURES`` failures in a row, each attempt first waits
  ``base_s * 2**(failures - FREE_FAILURES)`` seconds, at most ``max_s``; the wait
  comes before the password is checked, so a quick answer never means "right";
- a correct login clears the address's record; a record is forgotten after
  ``FORGET_S`` seconds without attempts, and at most ``MAX_ADDRESSES`` are kept.

The address is the TCP peer (``scope["client"]``): behind a reverse proxy every
user shares the proxy's address, and ``X-Forwarded-For`` is not trusted (anyone can
write it).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

FREE_FAILURES = 3  # typos are free
FORGET_S = 15 * 60.0
MAX_ADDRESSES = 10_000
MAX_QUEUED = 4

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class _Address:
    failures: int = 0
    last: float = 0.0
    waiting: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Backoff:
    """How long the next login attempt from an address waits (pure bookkeeping).

    >>> b = Backoff(base_s=1.0, max_s=4.0, clock=lambda: 0.0)
    >>> for _ in range(6): b.failed("10.0.0.9")
    >>> b.wait_for("10.0.0.9"), b.wait_for("10.0.0.8")
    (4.0, 0.0)
    """

    def __init__(self, base_s: float, max_s: float, *, free: int = FREE_FAILURES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base_s, self.max_s, self.free, self.clock = base_s, max_s, free, clock
        self._addresses: OrderedDict[str, _Address] = OrderedDict()

    def entry(self, address: str) -> _Address:
        """The address's record (created, refreshed or forgotten as time says)."""
        now = self.clock()
        rec = self._addresses.get(address)
        if rec is not None and now - rec.last > FORGET_S and not rec.waiting:
            rec.failures = 0
        if rec is None:
            rec = self._addresses[address] = _Address(last=now)
            while len(self._addresses) > MAX_ADDRESSES:
                oldest = next(iter(self._addresses))
                if self._addresses[oldest].waiting:
                    break
                del self._addresses[oldest]
        self._addresses.move_to_end(address)
        return rec

    def wait_for(self, address: str) -> float:
        failures = self.entry(address).failures
        if failures < self.free:
            return 0.0
        return float(min(self.max_s, self.base_s * 2 ** (failures - self.free)))

    def failed(self, address: str) -> None:
        rec = self.entry(address)
        rec.failures += 1
        rec.last = self.clock()

    def succeeded(self, address: str) -> None:
        rec = self.entry(address)
        rec.failures = 0
        rec.last = self.clock()


def _is_login(scope: Scope) -> bool:
    return (scope.get("type") == "http" and scope.get("method") == "POST"
            and str(scope.get("path", "")).rstrip("/").endswith("/login"))


async def _too_many(send: Send) -> None:
    body = json.dumps({"detail": "Quá nhiều lần đăng nhập đang chờ từ địa chỉ này — "
                                 "hãy chờ một lát rồi thử lại."}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class LoginThrottle:
    """ASGI middleware: ``POST …/login`` goes through ``Backoff``; everything else passes."""

    def __init__(self, app: ASGIApp, base_s: float, max_s: float) -> None:
        self.app = app
        self.backoff = Backoff(base_s, max_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_login(scope):
            await self.app(scope, receive, send)
            return
        address = str((scope.get("client") or ("?", 0))[0])
        rec = self.backoff.entry(address)
        if rec.waiting >= MAX_QUEUED:
            await _too_many(send)
            return
        rec.waiting += 1
        try:
            async with rec.lock:
                await asyncio.sleep(self.backoff.wait_for(address))
                status = await self._forward(scope, receive, send)
                if status == 200:
                    self.backoff.succeeded(address)
                elif status in (400, 401, 403):
                    self.backoff.failed(address)
        finally:
            rec.waiting -= 1

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> int:
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 0))
            await send(message)

        await self.app(scope, receive, watch)
        return status
