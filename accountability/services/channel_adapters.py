"""How a message is posted to each kind of channel: the request each one expects, and nothing else.

Every post carries the delivery's idempotency key in the ``X-ZMD-Idempotency-Key`` header (and in the
generic webhook's body), so a receiver that keeps the keys it has seen can drop the copy a retry
sends after a worker died between the post and its bookkeeping (docs/DELIVERY.md). A failure raises
``ChannelError`` (an ``OSError``, like a refused connection or a timeout), which the Celery job retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

KEY_HEADER = "X-ZMD-Idempotency-Key"
SIGNATURE_HEADER = "X-ZMD-Signature"
TIMESTAMP_HEADER = "X-ZMD-Timestamp"
# 企业微信 takes at most 4096 bytes of markdown; a post is a pointer to the system, not the whole notice.
BODY_CHARS = 600
SMS_CHARS = 120


class ChannelError(OSError):
    """The channel did not take the message (HTTP error, an errcode, no answer)."""


@dataclass(frozen=True)
class Outgoing:
    key: str
    subject: str
    body: str
    link: str
    unit: str
    kind: str

    def short_body(self) -> str:
        return self.body if len(self.body) <= BODY_CHARS else self.body[:BODY_CHARS] + "…"

    def sms_text(self) -> str:
        text = f"{self.subject} {self.link}".strip()
        return text if len(text) <= SMS_CHARS else self.subject[: SMS_CHARS - 1] + "…"


def _post_json(url: str, payload: dict, headers: dict[str, str] | None = None) -> dict:
    data = json.dumps(payload, ensure_ascii=False).encode()
    return _post(url, data, headers or {})


def _post(url: str, data: bytes, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ZMD_DELIVERY_TIMEOUT_SECONDS) as response:
            text = response.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise ChannelError(str(getattr(error, "reason", error))) from None
    try:
        answer = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _robot_answer(answer: dict) -> None:
    """企业微信 and 钉钉 answer HTTP 200 with ``errcode`` 0, or another code when they refuse."""
    code = answer.get("errcode", 0)
    if code not in (0, "0"):
        raise ChannelError(f"errcode {code}: {answer.get('errmsg', '')}"[:300])


def _markdown(out: Outgoing) -> str:
    lines = [f"**{out.subject}**"]
    if out.unit:
        lines.append(f"> {out.unit}")
    if out.body:
        lines.append(out.short_body())
    if out.link:
        lines.append(f"[{out.link}]({out.link})")
    return "\n".join(lines)


def post_wecom(channel, out: Outgoing) -> None:
    """企业微信 / 政务微信 group robot: POST {base}/cgi-bin/webhook/send?key=… with a markdown message."""
    url = f"{settings.ZMD_WECOM_BASE_URL}/cgi-bin/webhook/send?" + urllib.parse.urlencode({"key": channel.address})
    payload = {"msgtype": "markdown", "markdown": {"content": _markdown(out)}}
    _robot_answer(_post_json(url, payload, {KEY_HEADER: out.key}))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature: base64 of HMAC-SHA256 over "timestamp\\nsecret" keyed with the secret (not yet urlencoded)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def post_dingtalk(channel, out: Outgoing, *, timestamp_ms: int | None = None) -> None:
    """钉钉 group robot: POST {base}/robot/send?access_token=…[&timestamp=…&sign=…] with markdown."""
    params = {"access_token": channel.address}
    if channel.secret:
        stamp = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        params.update(timestamp=str(stamp), sign=dingtalk_sign(channel.secret, stamp))
    url = f"{settings.ZMD_DINGTALK_BASE_URL}/robot/send?" + urllib.parse.urlencode(params)
    payload = {"msgtype": "markdown", "markdown": {"title": out.subject, "text": _markdown(out)}}
    _robot_answer(_post_json(url, payload, {KEY_HEADER: out.key}))


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of "timestamp." + body, keyed with the channel's secret."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_webhook(channel, out: Outgoing) -> None:
    """A generic receiver: the message as JSON, signed so the receiver knows it is ours (any 2xx is taken)."""
    body = json.dumps(
        {
            "idempotency_key": out.key,
            "kind": out.kind,
            "unit": out.unit,
            "subject": out.subject,
            "body": out.body,
            "link": out.link,
        },
        ensure_ascii=False,
    ).encode()
    stamp = str(int(time.time()))
    headers = {KEY_HEADER: out.key, TIMESTAMP_HEADER: stamp}
    if channel.secret:
        headers[SIGNATURE_HEADER] = webhook_signature(channel.secret, stamp, body)
    _post(channel.address, body, headers)


def send_sms(phone: str, out: Outgoing) -> None:
    """The SMS gateway of ``ZMD_SMS_BACKEND``: ``console`` prints it (development), ``http`` posts it,
    signed like a webhook, to ``ZMD_SMS_URL`` (the gateway the city's operator provides)."""
    if settings.ZMD_SMS_BACKEND == "console":
        line = f"[SMS] to {phone} ({out.key}): {out.sms_text()}"
        logger.info(line)
        print(line, flush=True)
        return
    if not settings.ZMD_SMS_URL:
        raise ChannelError("ZMD_SMS_URL is not set")
    body = json.dumps({"phone": phone, "text": out.sms_text(), "idempotency_key": out.key}, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    headers = {KEY_HEADER: out.key, TIMESTAMP_HEADER: stamp}
    if settings.ZMD_SMS_SECRET:
        headers[SIGNATURE_HEADER] = webhook_signature(settings.ZMD_SMS_SECRET, stamp, body)
    _post(settings.ZMD_SMS_URL, body, headers)
