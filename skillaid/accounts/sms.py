"""Text messages to a phone, through a backend chosen by a setting, as Django sends email.

`SKILLAID_SMS_BACKEND` names the backend class by its dotted path. Two ship here:

- `ConsoleBackend` (the embedded mode's default) writes each message to standard output
  and to the `skillaid.sms` log: a development machine sends nothing, and whoever runs
  it reads the message, its one-time code included (that is its point). The audit log
  never holds the message, only that one was sent and to which masked number.
- `LocMemBackend` keeps the messages in `sms.outbox`, for tests.

A real gateway (an operator's SMS platform, a cloud SMS service) is a subclass of
`BaseSmsBackend` that implements `send_messages`:

    class GatewayBackend(BaseSmsBackend):
        def __init__(self, fail_silently=False, **kwargs):
            super().__init__(fail_silently=fail_silently)
            self.url = settings.MY_SMS_URL          # read its own settings here

        def send_messages(self, messages):
            sent = 0
            for m in messages:
                try:
                    ...  # call the gateway with m.to and m.body (or a template id and params)
                except GatewayError as exc:
                    if not self.fail_silently:
                        raise SmsError(f"短信发送失败：{exc}") from exc
                    continue
                sent += 1
            return sent

It must raise `SmsError` (with a Chinese message the page can show) when a message was
not accepted, unless `fail_silently`, and return how many were. It must never log the
body: a body may hold a one-time code. Set SKILLAID_SMS_BACKEND to its dotted path.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from skillaid.lib import phones

log = logging.getLogger("skillaid.sms")

# Messages "sent" through LocMemBackend, oldest first; tests empty it.
outbox: list[SmsMessage] = []


class SmsError(Exception):
    """A message was not sent; str() is a Chinese sentence for the page."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class BaseSmsBackend:
    def __init__(self, fail_silently: bool = False, **kwargs: object) -> None:
        self.fail_silently = fail_silently

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send `messages`; return how many were accepted."""
        raise NotImplementedError("短信后端须实现 send_messages")


class ConsoleBackend(BaseSmsBackend):
    """Writes each message to a stream (standard output by default) and the log."""

    def __init__(
        self, fail_silently: bool = False, stream: TextIO | None = None, **kwargs: object
    ) -> None:
        super().__init__(fail_silently=fail_silently)
        self.stream = stream

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        stream = self.stream or sys.stdout
        for m in messages:
            text = f"[短信 → {m.to}] {m.body}"
            stream.write(text + "\n")
            stream.flush()
            log.info("%s", text)
        return len(messages)


class DisabledBackend(BaseSmsBackend):
    """No gateway configured: every message is refused with a reason the pages show, and
    codes are handed over on paper (the roster's slips) or in person instead."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        if self.fail_silently:
            return 0
        raise SmsError("未配置短信网关，不能发送短信；请打印开通单或当面告知开通码")


class LocMemBackend(BaseSmsBackend):
    """Keeps the messages in `skillaid.accounts.sms.outbox`."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend(path: str | None = None, **kwargs: object) -> BaseSmsBackend:
    """The backend SKILLAID_SMS_BACKEND names (or `path`), made with `kwargs`."""
    return import_string(path or settings.SKILLAID_SMS_BACKEND)(**kwargs)


def send_sms(to: str, body: str, *, fail_silently: bool = False) -> int:
    """Send one message to a mobile number; SmsError if the number cannot take one or the
    backend refused it."""
    try:
        number = phones.normalize(to)
    except ValueError as exc:
        raise SmsError(str(exc)) from exc
    if not phones.MOBILE.match(number):
        raise SmsError("该号码不是手机号，不能接收短信")
    return get_backend(fail_silently=fail_silently).send_messages([SmsMessage(number, body)])


def check_sms_backend(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """System check: a deployment (served over HTTPS) that still prints its messages to the
    console writes every opening code into the server's log."""
    if not settings.SKILLAID_HTTPS or not issubclass(
        import_string(settings.SKILLAID_SMS_BACKEND), ConsoleBackend
    ):
        return []
    return [
        checks.Warning(
            "短信使用控制台后端：开通码和手机号会写入服务器输出和日志，不会发到学员手机",
            hint="设置 SKILLAID_SMS_BACKEND 为短信网关的后端（见 skillaid/accounts/sms.py 的 BaseSmsBackend）",
            id="skillaid.W002",
        )
    ]
