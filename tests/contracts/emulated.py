"""Reading back, from the emulators, what the real adapters sent: a queue's messages, a mailbox.

Test-side only: the adapters under test write through their normal AWS calls; these helpers look at
the result the way an AWS consumer would (SQS ReceiveMessage) or, for SES, which has no read API,
through LocalStack's ``/_aws/ses`` endpoint (which local/mailbox.py gives moto too).
"""

from __future__ import annotations

import json
import time

import boto3

from local.mailbox import sent_emails
from tests.fakes.outside import SentMail


def emulated_queue(backend, name: str) -> tuple[str, str]:
    """A fresh queue that EventBridge may send to: (url, arn)."""
    sqs = boto3.client("sqs", endpoint_url=backend.aws_endpoint_url)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def drain(backend, queue_url: str, expected: int, wait_seconds: float = 10.0) -> list[dict]:
    """Receive and delete until ``expected`` bodies came (or the wait is over), in sending order where
    the queue keeps none (standard queues do not)."""
    sqs = boto3.client("sqs", endpoint_url=backend.aws_endpoint_url)
    bodies: list[dict] = []
    deadline = time.monotonic() + wait_seconds
    while len(bodies) < expected and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def emulated_mailbox(backend, to: str) -> list[SentMail]:
    mails = []
    for _, message in sent_emails(backend.aws_endpoint_url, to):
        body = message.get_body(("plain",))
        attachments = [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]
        mails.append(
            SentMail(
                to=to,
                subject=str(message["Subject"]),
                text=body.get_content() if body is not None else "",
                attachment=attachments[0] if attachments else None,
            )
        )
    return mails
