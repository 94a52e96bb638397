"""The development gateway: prints what would be sent; nothing leaves the machine."""
from __future__ import annotations

import sys
import threading
import uuid
from typing import TextIO

from engage.gateways.base import Sent


class ConsoleGateway:
    def __init__(self, stream: TextIO | None = None):
        # None means whatever sys.stdout is at the time of sending, so redirection still works.
        self._stream = stream
        self._lock = threading.Lock()

    def send_sms(self, to: str, body: str, reference: int | None = None) -> Sent:
        self._print(f"[sms → {to}]", body)
        return Sent(provider_sid="SMconsole" + uuid.uuid4().hex, status="sent")

    def place_call(self, to: str, answer_url: str, reference: int | None = None) -> Sent:
        # `engage simulate --voice` answers it and plays it in its own terminal.
        self._print(f"[call → {to}]", f"answers with {answer_url}")
        return Sent(provider_sid="CAconsole" + uuid.uuid4().hex, status="sent")

    def _print(self, heading: str, text: str) -> None:
        indented = text.replace("\n", "\n" + " " * (len(heading) + 1))
        stream = self._stream or sys.stdout
        # One write per message, so texts sent from several threads never interleave.
        with self._lock:
            stream.write(f"{heading} {indented}\n")
            stream.flush()
