"""How a notice reaches a resident's phone: the SMS backends of accounts.sms (the setting
GONGZHI_SMS_BACKEND, a dotted path to a class with `send(message)`), used for both channels.
WeChat goes through the same interface: a town with a WeChat gateway writes a backend class
with the same `send` method and names it in GONGZHI_WECHAT_BACKEND; without it, WeChat
messages go to the SMS backend's console (the default `ConsoleBackend` logs and prints)."""

from django.conf import settings
from django.utils.module_loading import import_string

from gongzhi.accounts import sms

from .choices import Channel


def backend(channel: str) -> sms.BaseBackend:
    """The backend that delivers `channel`, read from settings on each call (tests change it)."""
    if channel == Channel.WECHAT and getattr(settings, "GONGZHI_WECHAT_BACKEND", ""):
        return import_string(settings.GONGZHI_WECHAT_BACKEND)()
    return sms.backend()


def message(phone: str, text: str) -> sms.Message:
    return sms.Message(phone=phone, text=text)
