"""billing/copies.py: a field-by-field copy of a frozen slotted dataclass is equal to the original, a new
object, and changed only through its setters."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field

import pytest

from billing.copies import slot_copier, slot_setter


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict)


def test_a_copy_is_equal_but_another_object_and_stays_frozen():
    original = Sample("a", ("x",), {"n": 1})
    copy = slot_copier(Sample)(original)
    assert copy == original
    assert copy is not original
    assert copy.extra is original.extra  # shallow, as dataclasses.replace
    with pytest.raises(FrozenInstanceError):
        copy.name = "b"  # type: ignore[misc]


def test_a_setter_changes_the_copy_only():
    original = Sample("a")
    copy = slot_copier(Sample)(original)
    slot_setter(Sample, "name")(copy, "b")
    assert (original.name, copy.name) == ("a", "b")


def test_a_class_without_slots_is_refused():
    @dataclass(frozen=True)
    class Plain:
        name: str

    with pytest.raises(AssertionError, match="no slots"):
        slot_copier(Plain)
