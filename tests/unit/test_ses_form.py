"""The SES adapter's form encoding (adapters/ses_mailer.py) is botocore's own, only faster on a message."""

from __future__ import annotations

import base64
import os
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from billing.adapters.ses_mailer import encode_form_once


@pytest.mark.parametrize("size", [0, 10, 5_000, 100_000])
def test_the_form_is_encoded_as_botocore_encodes_it(size: int) -> None:
    form = {
        "Action": "SendRawEmail",
        "Source": "Factures <factures+fr@example.com>",
        "Destinations.member.1": "compta@société.fr",
        "RawMessage.Data": base64.b64encode(os.urandom(size)).decode(),
    }
    request = SimpleNamespace(data=dict(form))
    encode_form_once(request)
    assert request.data == urlencode([(key.encode(), value.encode()) for key, value in form.items()], doseq=True)


def test_a_long_value_that_is_not_base64_is_quoted_byte_by_byte() -> None:
    form = {"RawMessage.Data": "a b&c=é/" * 500}
    request = SimpleNamespace(data=dict(form))
    encode_form_once(request)
    assert request.data == urlencode(form)


def test_a_body_already_encoded_is_left_alone() -> None:
    request = SimpleNamespace(data="Action=SendRawEmail")
    encode_form_once(request)
    assert request.data == "Action=SendRawEmail"
