"""The bus, the work queues and the mail service: everything sent arrives, whole, however many."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from billing.events import DomainEvent, EventType
from billing.ids import new_id

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_every_published_event_reaches_a_rule_target_with_its_type_and_detail(bus):
    # Given 23 events: more than one PutEvents call takes (10)
    publisher, received = bus
    account = new_id("acct")
    events = [
        DomainEvent(
            id=f"invoice.finalized:{new_id('in')}",
            type=EventType.INVOICE_FINALIZED,
            at=NOW,
            account_id=account,
            detail={"invoice": f"in_{n}", "total": 1000 + n},
        )
        for n in range(23)
    ]
    # When they are published
    publisher.publish(events)
    # Then a rule's target gets each one, as its type and the detail consumers read
    got = received(len(events))
    assert sorted(got, key=lambda e: e[1]["total"]) == [(str(e.type), e.bus_detail()) for e in events]


def test_every_queued_message_is_received_as_sent(work_queue):
    # Given 25 messages: more than one SendMessageBatch takes (10)
    queue, received = work_queue
    messages = [{"kind": "invoice", "id": f"in_{n}", "n": n} for n in range(25)]
    # When they are queued
    queue.send(messages)
    # Then a consumer receives each, unchanged
    assert sorted(received(len(messages)), key=lambda m: m["n"]) == messages


def test_an_email_arrives_with_its_subject_text_and_pdf(mail):
    # Given a recipient and an invoice PDF
    mailer, mailbox = mail
    to = f"{new_id('contact')}@example.fr"
    pdf = b"%PDF-1.7\n\x00\xff binary content"
    # When the invoice email is sent, and then one without attachment
    mailer.send(to, "Votre facture F-2026-000042", "Bonjour,\nvotre facture est jointe.", ("F-2026-000042.pdf", pdf))
    mailer.send(to, "Rappel : échéance dépassée", "Votre facture est due.")
    # Then both reach the recipient, accents, lines and PDF bytes intact
    first, second = mailbox(to)
    assert (first.subject, first.text.strip(), first.attachment) == (
        "Votre facture F-2026-000042",
        "Bonjour,\nvotre facture est jointe.",
        ("F-2026-000042.pdf", pdf),
    )
    assert (second.subject, second.text.strip(), second.attachment) == (
        "Rappel : échéance dépassée",
        "Votre facture est due.",
        None,
    )


def test_a_fifo_work_queue_hands_one_groups_messages_to_one_consumer_at_a_time(backend):
    # Given the billing run's messages on a FIFO queue: drafts to finalize in the numbering group, the rest not
    import boto3

    from billing.adapters.aws_messaging import SqsQueue
    from billing.runs.run_billing import NUMBERING_GROUP

    sqs = boto3.client("sqs", endpoint_url=backend.aws_endpoint_url)
    url = sqs.create_queue(QueueName=f"contract-{new_id('q')}.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    numbered = [{"kind": "invoice", "id": f"in_{n}", "group": NUMBERING_GROUP} for n in range(3)]
    others = [{"kind": "subscription", "id": f"sub_{n}"} for n in range(3)]
    SqsQueue(url).send(numbered + others)

    # When consumers ask five times for one message, none done with what it took
    def receive() -> list[dict]:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=60)
        return [json.loads(m["Body"]) for m in answer.get("Messages", [])]

    taken = [body for _ in range(5) for body in receive()]

    # Then the numbering group gave out its first message only (in order), every other message went out alone
    assert [m for m in taken if m.get("group")] == numbered[:1]
    assert sorted(m["id"] for m in taken if not m.get("group")) == [m["id"] for m in others]
