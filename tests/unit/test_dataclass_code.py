"""billing/dataclass_code.py: classes created from the layer's compiled methods behave as compiled at creation.

Each step runs in a fresh interpreter (recording, then a cold start), as the layer build and Lambda do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MODULE = '''
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    """A line."""

    description: str
    amount: Decimal
    tags: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list, hash=False)
'''

RECORD = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from billing.dataclass_code import record
print(record(Path(sys.argv[2]), lambda: __import__("shapes")))
"""

COLD_START = """
import dataclasses, json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from billing.dataclass_code import USED, install
installed = install(Path(sys.argv[2]))
from shapes import Line

@dataclasses.dataclass(frozen=True)
class Unseen:
    \"\"\"Written after the recording: compiled here.\"\"\"
    name: str

line = Line("Team plan", __import__("decimal").Decimal("30.00"), ("seat",))
try:
    line.amount = 0
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
print(json.dumps({
    "installed": installed, "used": USED, "frozen": frozen, "repr": repr(line),
    "equal": line == Line("Team plan", __import__("decimal").Decimal("30.00"), ("seat",)),
    "hashes_alike": hash(line) == hash(Line("Team plan", __import__("decimal").Decimal("30.00"), ("seat",))),
    "fresh_lists": Line("a", 1).notes is not Line("b", 2).notes, "unseen": repr(Unseen("x")),
}))
"""


def _run(script: str, *args: str) -> str:
    run = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return run.stdout.strip().splitlines()[-1]


def test_a_recorded_class_is_created_from_the_file_and_behaves_alike(tmp_path: Path):
    (tmp_path / "shapes.py").write_text(MODULE)
    cache = tmp_path / "dataclass_code.marshal"

    recorded = int(_run(RECORD, str(tmp_path), str(cache)))  # one text a class on 3.13, one a method before
    seen = json.loads(_run(COLD_START, str(tmp_path), str(cache)))

    assert seen["installed"] is True
    assert seen["used"]["hits"] == recorded  # Line, from the file
    assert seen["used"]["misses"] >= 1  # Unseen, compiled as usual
    assert seen["frozen"]
    assert seen["equal"]
    assert seen["hashes_alike"]
    assert seen["fresh_lists"]
    assert seen["repr"] == "Line(description='Team plan', amount=Decimal('30.00'), tags=('seat',), notes=[])"
    assert seen["unseen"] == "Unseen(name='x')"


def test_a_file_written_by_another_interpreter_is_ignored(tmp_path: Path):
    (tmp_path / "shapes.py").write_text(MODULE)
    cache = tmp_path / "dataclass_code.marshal"
    cache.write_bytes(b"\x00\x00\r\n" + b"not this interpreter's marshal")

    seen = json.loads(_run(COLD_START, str(tmp_path), str(cache)))

    assert seen["installed"] is False
    assert seen["used"] == {"hits": 0, "misses": 0}
    assert seen["equal"]
    assert seen["frozen"]
