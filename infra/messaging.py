"""Queues (each with its dead-letter queue and a redrive alarm), the event bus and its rules, schedules."""

from __future__ import annotations

import json

from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as event_targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as sns_subscriptions
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo
from constructs import Construct

from infra.config import StageConfig
from infra.manifest import EVENT_BUS, EVENT_RULES, MARKETPLACE_DETAIL_TYPES, MARKETPLACE_SOURCE, QUEUES, SCHEDULES


class Messaging(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.queues: dict[str, sqs.Queue] = {}
        for declared in QUEUES:
            dead = sqs.Queue(
                self,
                f"{declared.id}Dlq",
                fifo=declared.fifo or None,
                retention_period=Duration.days(14),
                enforce_ssl=True,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
            )
            NagSuppressions.add_resource_suppressions(
                dead,
                [
                    NagPackSuppression(
                        id="AwsSolutions-SQS3", reason="This is the dead-letter queue: nothing redrives further."
                    )
                ],
            )
            queue = sqs.Queue(
                self,
                declared.id,
                visibility_timeout=Duration.seconds(declared.visibility_timeout_s),
                # High-throughput FIFO: the order and the limits are per group, not per queue.
                fifo=declared.fifo or None,
                deduplication_scope=sqs.DeduplicationScope.MESSAGE_GROUP if declared.fifo else None,
                fifo_throughput_limit=sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID if declared.fifo else None,
                enforce_ssl=True,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                dead_letter_queue=sqs.DeadLetterQueue(queue=dead, max_receive_count=declared.max_receive_count),
            )
            cloudwatch.Alarm(
                self,
                f"{declared.id}DlqAlarm",
                metric=dead.metric_approximate_number_of_messages_visible(),
                threshold=1,
                evaluation_periods=1,
                alarm_description=f"Messages of {declared.id} failed {declared.max_receive_count} times",
            )
            self.queues[declared.id] = queue
        self.bus = events.EventBus(self, "Bus", event_bus_name=f"billing-{config.stage}-{EVENT_BUS}")
        for rule_id, (detail_types, queue_id) in EVENT_RULES.items():
            events.Rule(
                self,
                rule_id,
                event_bus=self.bus,
                event_pattern=events.EventPattern(detail_type=list(detail_types)),
                targets=[event_targets.SqsQueue(self.queues[queue_id])],
            )
        # AWS Marketplace writes to the default bus; legacy SNS topics (per product) are subscribed by stage.
        events.Rule(
            self,
            "MarketplaceNotices",
            event_pattern=events.EventPattern(source=[MARKETPLACE_SOURCE], detail_type=list(MARKETPLACE_DETAIL_TYPES)),
            targets=[event_targets.SqsQueue(self.queues["Marketplace"])],
        )
        for n, topic_arn in enumerate(config.marketplace_sns_topics):
            topic = sns.Topic.from_topic_arn(self, f"MarketplaceTopic{n}", topic_arn)
            topic.add_subscription(sns_subscriptions.SqsSubscription(self.queues["Marketplace"]))
        self.schedule_dlq = sqs.Queue(
            self,
            "ScheduleDlq",
            enforce_ssl=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            retention_period=Duration.days(14),
        )
        NagSuppressions.add_resource_suppressions(
            self.schedule_dlq,
            [
                NagPackSuppression(
                    id="AwsSolutions-SQS3", reason="The scheduler's dead-letter queue: nothing redrives further."
                )
            ],
        )

    def schedule(self, functions: dict[str, lambda_.Function]) -> None:
        for declared in SCHEDULES:
            scheduler.Schedule(
                self,
                declared.id,
                schedule=scheduler.ScheduleExpression.expression(declared.expression, TimeZone.ETC_UTC),
                target=scheduler_targets.LambdaInvoke(
                    functions[declared.function],
                    dead_letter_queue=self.schedule_dlq,
                    retry_attempts=2,
                    input=scheduler.ScheduleTargetInput.from_text(json.dumps({"schedule": declared.id})),
                ),
                description=f"{declared.expression}: {declared.function}",
            )
        NagSuppressions.add_stack_suppressions(
            Stack.of(self),
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="The scheduler role may invoke the function and its versions (<arn>:*), as CDK grants.",
                    applies_to=[RegexAppliesTo(regex="/^Resource::<Functions.*\\.Arn>:\\*$/g")],
                )
            ],
        )
