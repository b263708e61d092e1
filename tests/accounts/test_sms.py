"""Text messages go through the backend SKILLAID_SMS_BACKEND names, as Django's email does."""

from __future__ import annotations

import io

import pytest

from skillaid.accounts import sms
from skillaid.accounts.sms import BaseSmsBackend, SmsError, SmsMessage


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def test_the_console_backend_writes_each_message_to_its_stream():
    stream = io.StringIO()
    backend = sms.ConsoleBackend(stream=stream)
    sent = backend.send_messages(
        [SmsMessage("13800001111", "你好"), SmsMessage("13900002222", "再见")]
    )
    assert sent == 2
    assert stream.getvalue() == "[短信 → 13800001111] 你好\n[短信 → 13900002222] 再见\n"


def test_the_console_backend_writes_to_standard_output_by_default(settings, capsys):
    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.ConsoleBackend"
    assert sms.send_sms("138 0000 1111", "开通码 ABCD-EFGH") == 1
    assert "[短信 → 13800001111] 开通码 ABCD-EFGH" in capsys.readouterr().out


def test_the_locmem_backend_keeps_the_messages_in_the_outbox(settings):
    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.LocMemBackend"
    sms.send_sms("+86 139-0000-2222", "正文")
    assert sms.outbox == [SmsMessage("13900002222", "正文")]


class Refusing(BaseSmsBackend):
    """A gateway that accepts nothing, as a real backend reports a refusal."""

    def send_messages(self, messages):  # noqa: ANN001, ANN201
        if self.fail_silently:
            return 0
        raise SmsError("网关拒绝发送")


def test_a_backend_named_by_the_setting_is_used_and_its_refusal_reaches_the_caller(settings):
    settings.SKILLAID_SMS_BACKEND = f"{__name__}.Refusing"
    with pytest.raises(SmsError, match="网关拒绝发送"):
        sms.send_sms("13800001111", "正文")
    assert sms.send_sms("13800001111", "正文", fail_silently=True) == 0


def test_a_number_that_cannot_take_a_text_is_refused_before_any_backend(settings):
    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.LocMemBackend"
    with pytest.raises(SmsError, match="不是手机号"):
        sms.send_sms("0771-5551234", "正文")
    with pytest.raises(SmsError, match="不是11位手机号"):
        sms.send_sms("12345", "正文")
    assert sms.outbox == []


def test_the_base_class_must_be_given_a_way_to_send():
    with pytest.raises(NotImplementedError):
        BaseSmsBackend().send_messages([SmsMessage("13800001111", "x")])


def test_a_phone_is_masked_to_its_first_three_and_last_four_digits():
    from skillaid.lib import phones

    assert phones.mask("13812345678") == "138****5678"
    assert phones.mask("0771-5551234") == "077*-***1234"


def test_a_deployment_printing_its_messages_to_the_console_is_warned(settings):
    from skillaid.accounts.sms import check_sms_backend

    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.ConsoleBackend"
    settings.SKILLAID_HTTPS = True
    [warning] = check_sms_backend()
    assert warning.id == "skillaid.W002" and "开通码" in warning.msg
    settings.SKILLAID_HTTPS = False  # the embedded mode on this machine: the console is its point
    assert check_sms_backend() == []
    settings.SKILLAID_HTTPS = True
    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.LocMemBackend"
    assert check_sms_backend() == []


def test_without_a_gateway_a_message_is_refused_with_a_reason(settings):
    from skillaid.accounts.sms import SmsError, send_sms

    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.DisabledBackend"
    with pytest.raises(SmsError, match="未配置短信网关"):
        send_sms("13812345678", "x")


def test_served_over_https_nothing_is_sent_until_a_gateway_is_named():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SKILLAID_SMS_BACKEND", "DEBUG"}}
    shown = {}
    for https in ("1", "0"):
        env["SKILLAID_HTTPS"] = https
        shown[https] = subprocess.run(
            [
                sys.executable,
                "-c",
                "from skillaid import settings; print(settings.SKILLAID_SMS_BACKEND)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    assert shown == {
        "1": "skillaid.accounts.sms.DisabledBackend",
        "0": "skillaid.accounts.sms.ConsoleBackend",
    }
