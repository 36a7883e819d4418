"""billing/copies.py: a field-by-field copy of a frozen slotted dataclass is equal to the original, a new
object, and changed only through its setters; a class given slot_init is built as dataclasses builds it."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, InitVar, dataclass, field

import pytest

from billing.copies import slot_copier, slot_init, slot_setter


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


def a_class() -> type:
    """The same frozen slotted dataclass, a new class at each call: one keeps the dataclass's __init__."""

    @dataclass(frozen=True, slots=True)
    class Built:
        name: str
        count: int = 1
        tags: tuple[str, ...] = ()

        def __post_init__(self) -> None:
            if self.count < 0:
                raise ValueError("negative")

    return Built


Built = a_class()
FastBuilt = slot_init(a_class())


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), (("a", 2), {}), (("a", 2, ("x",)), {}), ((), {"name": "a", "tags": ("y",)}), (("a",), {"count": 3})],
)
def test_slot_init_builds_what_the_dataclass_init_builds(args, kwargs):
    fast, built = FastBuilt(*args, **kwargs), Built(*args, **kwargs)
    assert [getattr(fast, name) for name in Built.__slots__] == [getattr(built, name) for name in Built.__slots__]
    with pytest.raises(FrozenInstanceError):
        fast.name = "b"  # type: ignore[misc]


def test_slot_init_refuses_what_the_dataclass_init_refuses():
    with pytest.raises(ValueError, match="negative"):
        FastBuilt("a", -1)  # __post_init__ still runs
    with pytest.raises(TypeError):
        FastBuilt()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        FastBuilt("a", colour="red")  # type: ignore[call-arg]


def test_slot_init_refuses_a_default_factory():
    with pytest.raises(AssertionError, match=r"Sample\.extra"):
        slot_init(Sample)


def test_slot_init_refuses_an_init_var():
    @dataclass(frozen=True, slots=True)
    class Scaled:
        name: str
        scale: InitVar[int] = 1

    with pytest.raises(AssertionError, match="Scaled has an InitVar"):
        slot_init(Scaled)
