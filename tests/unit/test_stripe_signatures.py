"""Stripe's webhook signatures, checked by hand (adapters/stripe_signatures.py): every header is accepted or
refused exactly as the ``stripe`` package's own ``WebhookSignature.verify_header`` decides."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json

import pytest
import stripe

from billing.adapters.stripe_signatures import SIGNATURE_TOLERANCE_S, StripeSignatures
from billing.errors import InvalidInputError

SECRET = "whsec_test_secret"
NOW = 1_780_000_000
EVENT = {"id": "evt_1", "object": "event", "type": "customer.updated", "data": {"object": {}}}
PAYLOAD = json.dumps(EVENT).encode()


def v1(payload: bytes, timestamp: int | str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()


GOOD = v1(PAYLOAD, NOW)
HEADERS = {
    "signed now": f"t={NOW},v1={GOOD}",
    "signed at the tolerance's edge": f"t={NOW - SIGNATURE_TOLERANCE_S},v1={v1(PAYLOAD, NOW - SIGNATURE_TOLERANCE_S)}",
    "a rolled secret: the old one's signature beside ours": f"t={NOW},v1={v1(PAYLOAD, NOW, 'whsec_old')},v1={GOOD}",
    "a test-mode v0 beside it": f"t={NOW},v1={GOOD},v0=abc",
    "a second t after the first": f"t={NOW},v1={GOOD},t=1",
    "another secret": f"t={NOW},v1={v1(PAYLOAD, NOW, 'whsec_not_ours')}",
    "stale": f"t={NOW - 400},v1={v1(PAYLOAD, NOW - 400)}",
    "the timestamp changed after signing": f"t={NOW + 1},v1={GOOD}",
    "garbage": "t=1,v1=00",
    "no timestamp": f"v1={GOOD}",
    "a timestamp that is no number": f"t=now,v1={GOOD}",
    "no v1": f"t={NOW},v0={GOOD}",
    "a space before v1": f"t={NOW}, v1={GOOD}",
    "upper-case hex": f"t={NOW},v1={GOOD.upper()}",
    "nothing after the names": "t,v1",
}


def stripe_accepts(payload: bytes, header: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(importlib.import_module("stripe._webhook").time, "time", lambda: NOW)
    try:
        return bool(stripe.WebhookSignature.verify_header(payload, header, SECRET, SIGNATURE_TOLERANCE_S))
    except stripe.SignatureVerificationError:
        return False


def ours_accepts(payload: bytes, header: str) -> bool:
    """True for the event back, False for ``invalid_signature`` (any other refusal fails the test)."""
    try:
        return StripeSignatures(lambda: SECRET, clock=lambda: NOW).verify_event(payload, header) == EVENT
    except InvalidInputError as refused:
        if refused.code != "invalid_signature":
            raise
        return False


@pytest.mark.parametrize("case", HEADERS)
def test_a_header_is_accepted_exactly_when_stripes_own_check_accepts_it(case, monkeypatch):
    accepted = ours_accepts(PAYLOAD, HEADERS[case])
    assert accepted == stripe_accepts(PAYLOAD, HEADERS[case], monkeypatch)
    assert accepted == (case.startswith(("signed", "a rolled", "a test-mode", "a second t")))


def test_only_the_exact_bytes_signed_are_accepted(monkeypatch):
    header = HEADERS["signed now"]
    changed = PAYLOAD.replace(b"customer.updated", b"customer.deleted")
    assert not ours_accepts(changed, header)
    assert not stripe_accepts(changed, header, monkeypatch)


def test_a_body_that_is_not_text_is_refused_as_unsigned():
    body = b"\xff\xfe" + PAYLOAD
    header = f"t={NOW},v1={v1(body, NOW)}"
    assert not ours_accepts(body, header)  # stripe's check raises UnicodeDecodeError on it


def test_a_signature_that_is_not_ascii_is_a_mismatch_not_a_crash():
    assert not ours_accepts(PAYLOAD, f"t={NOW},v1=é{GOOD[1:]}")  # stripe's check raises TypeError on it


def test_a_missing_header_or_a_signed_body_that_is_no_event_says_which():
    signatures = StripeSignatures(lambda: SECRET, clock=lambda: NOW)
    with pytest.raises(InvalidInputError) as missing:
        signatures.verify_event(PAYLOAD, None)
    assert missing.value.code == "missing_signature"
    for body in (b"not json", b"[1, 2]"):
        with pytest.raises(InvalidInputError) as refused:
            signatures.verify_event(body, f"t={NOW},v1={v1(body, NOW)}")
        assert refused.value.code == "invalid_payload"


def test_the_secret_is_read_once_and_only_when_a_delivery_comes():
    reads: list[str] = []

    def secret() -> str:
        reads.append(SECRET)
        return SECRET

    signatures = StripeSignatures(secret, clock=lambda: NOW)
    assert reads == []
    for _ in range(3):
        signatures.verify_event(PAYLOAD, HEADERS["signed now"])
    assert reads == [SECRET]
