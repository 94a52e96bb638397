"""Prints which area packages import which, and the cycles between them.

    python tools/import_graph.py            # area packages: the folders of engage/, messages, webhooks
    python tools/import_graph.py --modules  # every module that imports another package's module

Read from the source (every import, lazy and type-checking ones included, as import-linter reads
them), so it runs without installing anything.
"""
from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = ("engage", "messages", "webhooks")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, module: str) -> set[str]:
    """Every project module (or package) that `module`'s source imports."""
    found = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in TOP_LEVEL}


def area(module: str, packages: set[str]) -> str:
    """The area package a module belongs to: engage.<folder>, or a top-level package, or the module
    itself for engage's own top-level modules (engage.runtime, engage.cli, ...)."""
    parts = module.split(".")
    if parts[0] != "engage":
        return parts[0]
    if len(parts) > 1 and f"engage.{parts[1]}" in packages:
        return f"engage.{parts[1]}"
    return ".".join(parts[:2])


def graph(modules_view: bool) -> dict[str, dict[str, int]]:
    sources = {module_name(path): path for top in TOP_LEVEL for path in sorted((ROOT / top).rglob("*.py"))}
    packages = {name for name, path in sources.items() if path.name == "__init__.py"}
    edges: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def known(name: str) -> str:
        # `from engage import create_app` names a function, not a module: the longest module it names.
        while name not in sources and "." in name:
            name = name.rpartition(".")[0]
        return name

    for module, path in sources.items():
        here = area(module, packages)
        targets = {area(name, packages) for name in map(known, imported(path, module)) if name != "engage"}
        for there in targets - {here}:
            edges[module if modules_view else here][there] += 1
    return edges


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="one line per importing module")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(10_000)
    edges = graph(args.modules)
    for source in sorted(edges):
        print(f"{source} -> {', '.join(sorted(edges[source]))}")
    if args.modules:
        return 0
    print()
    mutual = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, {})})
    print(f"mutual imports: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    found = cycles(edges)
    print(f"cycles (strongly connected groups): {len(found)}")
    for group in found:
        print(f"  {' , '.join(group)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
