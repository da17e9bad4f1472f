"""How a text message reaches a resident's phone: a small backend interface chosen by the
setting GONGZHI_SMS_BACKEND (a dotted path to a class), like Django's e-mail backends.

- `ConsoleBackend` (the default) writes the message to the log (logger "gongzhi.sms") and to
  standard output: development, demos, and towns that have no SMS gateway yet.
- `CounterBackend` sends nothing: the resident asks at the service counter and staff read the
  pending code out (the resident's link page shows it, each reading audited).
- `MemoryBackend` keeps messages in `MemoryBackend.outbox` (tests).

A town with a gateway writes a class with the same `send` method and names it in the setting."""

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from gongzhi.core import masking

log = logging.getLogger("gongzhi.sms")


@dataclass(frozen=True)
class Message:
    """One text message: the normalised mobile number and the text."""

    phone: str
    text: str


class BaseBackend:
    """Send one message; raise on failure (the caller's transaction then rolls back, so no
    code is left pending that the resident never received)."""

    def send(self, message: Message) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Log the message (number masked in the log, the text in full so a developer can read the
    code) and print it."""

    def send(self, message):
        log.warning("短信 → %s：%s", masking.mask_phone(message.phone), message.text)
        print(f"[短信] {message.phone}：{message.text}", file=sys.stdout, flush=True)


class CounterBackend(BaseBackend):
    """Send nothing: the code is read out by staff at the counter."""

    def send(self, message):
        return None


class MemoryBackend(BaseBackend):
    """Keep every message in `outbox` (a class attribute, shared like Django's mail.outbox)."""

    outbox: list[Message] = []

    def send(self, message):
        MemoryBackend.outbox.append(message)


def backend() -> BaseBackend:
    """The configured backend, read from settings on each call so tests may change it."""
    return import_string(settings.GONGZHI_SMS_BACKEND)()


def send(phone: str, text: str) -> None:
    backend().send(Message(phone=phone, text=text))
