"""The local mailbox on moto keeps the newest messages only: `make run` keeps running, each invoice email
carries its PDF and XML."""

from __future__ import annotations

import pytest

import local.mailbox
from local.mailbox import stamp_moto_ses_sends


@pytest.fixture
def ses(monkeypatch):
    from moto.ses.models import SESBackend

    stamp_moto_ses_sends()
    monkeypatch.setattr(local.mailbox, "MAILBOX_KEPT", 3)
    backend = SESBackend("eu-west-3", "123456789012")
    backend.verify_email_identity("factures@exemple.fr")
    return backend


def raw(n: int) -> str:
    return f"From: factures@exemple.fr\nTo: compta@exemple.fr\nSubject: Facture {n}\n\nBonjour {n}\n"


def test_the_mailbox_keeps_the_newest_messages_and_the_send_count_keeps_counting(ses):
    for n in range(5):
        ses.send_raw_email("factures@exemple.fr", [], raw(n))

    assert [message.raw_data for message in ses.sent_messages] == [raw(2), raw(3), raw(4)]
    assert all(message.timestamp for message in ses.sent_messages)  # stamped, as LocalStack's
    assert ses.get_send_quota().sent_last24_hours == 5
