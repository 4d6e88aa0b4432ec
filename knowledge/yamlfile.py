"""Read a hand-written YAML content file with the line of each mapping, as file:line problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE = "__line__"
_MAX_DEPTH = 50  # content files are shallow; a deeper one is a mistake or an attack


class YamlProblem(ValueError):
    """A content file cannot be used; `problems` lists each as 'file:line: what'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class LineLoader(yaml.SafeLoader):
    """SafeLoader that records the 1-based line where each mapping starts."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def _depth(node: yaml.Node, limit: int) -> int:
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    deepest = 0
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in current.value)
    return deepest


def compose(path: Path, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> yaml.Node | None:
    """The file's YAML node tree (None when empty), checked to be UTF-8 and shallow.

    Raises:
        YamlProblem: the file is unreadable, not UTF-8, not YAML, or nested absurdly deep.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem([f"{path}:1: cannot read the file ({exc.strerror or exc})"]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem([f"{path}:{line}: not UTF-8 text (byte {exc.start})"]) from exc
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem([f"{path}:{line}: not valid YAML ({exc.problem})"]) from exc
    except RecursionError as exc:
        raise YamlProblem([f"{path}:1: nested more than {_MAX_DEPTH} levels deep"]) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem([f"{path}:1: not valid YAML ({exc})"]) from exc
    if node is not None and _depth(node, _MAX_DEPTH) > _MAX_DEPTH:
        line = node.start_mark.line + 1
        raise YamlProblem([f"{path}:{line}: nested more than {_MAX_DEPTH} levels deep"])
    return node


def load_with_lines(path: Path) -> Any:
    """The file's YAML data, each mapping carrying its line under LINE.

    Raises:
        YamlProblem: the file is unreadable, not UTF-8, not YAML, or nested absurdly deep.
    """
    node = compose(path, LineLoader)
    if node is None:
        return None
    loader = LineLoader("")
    try:
        return loader.construct_document(node)  # SafeLoader subclass: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem([f"{path}:{line}: not valid YAML ({exc.problem})"]) from exc
    finally:
        loader.dispose()
