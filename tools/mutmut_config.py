"""Read by mutmut (imported by name from the path the mutation driver puts first): keeps the
mutants of a file to the definitions named in MUTATION_SCOPE, so a large module is mutated only
where it makes the decision under test."""
from __future__ import annotations

import ast
import os
from functools import lru_cache


@lru_cache(maxsize=None)
def _lines_in_scope(filename: str, names: tuple[str, ...]) -> frozenset[int]:
    with open(filename, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    lines: set[int] = set()
    for node in tree.body:
        targets = [node] if hasattr(node, "name") else getattr(node, "targets", [])
        if any(getattr(target, "name", getattr(target, "id", None)) in names for target in targets):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return frozenset(lines)


def pre_mutation(context) -> None:
    names = tuple(name for name in os.environ.get("MUTATION_SCOPE", "").split(",") if name)
    if names and context.current_line_index + 1 not in _lines_in_scope(context.filename, names):
        context.skip = True
