"""Every dataclass of the backend says what it is. For the reader first; and for the cold start: `dataclasses`
writes a missing docstring from `inspect.signature` at import, ~0.1 ms a class, 4–5 ms of each function's."""

import ast
from pathlib import Path

import billing


def test_every_dataclass_has_a_docstring():
    root = Path(billing.__file__).parent
    undocumented = []
    for module in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            is_dataclass = isinstance(node, ast.ClassDef) and any(
                "dataclass" in ast.unparse(decorator) for decorator in node.decorator_list
            )
            if is_dataclass and ast.get_docstring(node) is None:
                undocumented.append(f"{module.relative_to(root)}: {node.name}")
    assert len(undocumented) == 0, undocumented
