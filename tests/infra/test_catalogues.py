"""The catalogues of events and errors: complete, documented, and every bus rule has its reactions."""

from __future__ import annotations

import importlib

import pytest

from billing import errors, events
from infra import catalogues
from infra.manifest import EVENT_RULES, FUNCTIONS

pytestmark = pytest.mark.infra
# The function each queue triggers, and the module holding its table of reactions to bus events.
REACTIONS_OF = {"documents": "billing.documents.on_event", "payments": "billing.payments.on_event"}


def test_every_code_and_event_type_has_a_meaning():
    assert set(errors.MEANINGS) == set(errors.ErrorCode)
    assert set(events.MEANINGS) == set(events.EventType) == set(events.FIELDS)
    assert all(text.strip() for text in [*errors.MEANINGS.values(), *events.MEANINGS.values()])


def test_generated_documents_are_current():
    assert catalogues.EVENTS_DOC.read_text() == catalogues.events_markdown(), "run `make docs`"
    assert catalogues.ERRORS_DOC.read_text() == catalogues.errors_markdown(), "run `make docs`"


def test_every_event_rule_reaches_a_reaction_and_every_reaction_a_rule():
    routed: dict[str, set[str]] = {}
    for _, (types, queue) in EVENT_RULES.items():
        (function,) = [f.name for f in FUNCTIONS if any(trigger.queue == queue for trigger in f.triggers)]
        routed.setdefault(function, set()).update(types)
    # Sellers' webhook endpoints may subscribe to any type: the delivery function hears them all.
    assert routed.pop("webhook_delivery") == set(events.EventType)
    assert set(routed) == set(REACTIONS_OF)
    for function, module in REACTIONS_OF.items():
        reactions = importlib.import_module(module).REACTIONS
        assert set(reactions) == routed[function], function
