"""PyYAML, the reference YAML parser (the only module importing ``yaml``).

Safe by construction: PyYAML's safe loader only (unknown tags such as ``!!python/object`` are
errors), duplicate keys rejected, alias references counted and their expansion bounded. Mapping
keys stay strings as written: plain PyYAML turns ``200:`` into an int, which breaks OpenAPI
response codes. Every YAML error is worded here, with its line.

It also lends the rapidyaml fast path its YAML 1.1 resolution of plain scalars, so both paths build
the same data, and gives the reference locations in YAML: libyaml's marks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import yaml

from .errors import SpecLoadError
from .limits import DEFAULT_LIMITS, Limits, check_depth, check_expansion

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader: string keys as written, no duplicates, counted aliases, YAML 1.1 quirks tamed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_hits = 0
        self.max_aliases = DEFAULT_LIMITS.max_aliases

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            self.alias_hits += 1
            if self.alias_hits > self.max_aliases:
                raise yaml.constructor.ConstructorError(
                    None, None, f"more than {self.max_aliases} alias references", node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        self.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value  # as written: "200" stays "200", "true" stays "true"
            else:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "mapping keys must be plain strings", key_node.start_mark)
            if key in result:
                raise _YamlDuplicate(key, key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=deep)
        return result

    def construct_yaml_map(self, node: yaml.Node) -> Iterator[dict[str, Any]]:
        data: dict[str, Any] = {}
        yield data
        data.update(self.construct_mapping(node))


class _YamlDuplicate(Exception):
    def __init__(self, key: str, mark: Any) -> None:
        self.key = key
        self.mark = mark


def _construct_raw_scalar(loader: _Loader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
# Dates stay strings, as they are in JSON; OpenAPI validators expect strings.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_raw_scalar)
# A bare "=" is YAML 1.1's value tag; js-yaml and the OpenAPI world read it as the string "=".
_Loader.add_constructor("tag:yaml.org,2002:value", _construct_raw_scalar)


def load(text: str, *, path: str, limits: Limits) -> Any:
    """The document's data, or SpecLoadError worded from PyYAML's error with its line."""
    loader = _Loader(text)
    loader.max_aliases = limits.max_aliases
    try:
        data = loader.get_single_data()
    except _YamlDuplicate as exc:
        raise SpecLoadError(f"duplicate key {exc.key!r}", file=path, line=exc.mark.line + 1,
                            column=exc.mark.column + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = problem.replace("could not determine a constructor for the tag",
                                      "tag not allowed:")
        raise SpecLoadError(f"invalid YAML: {problem}", file=path,
                            line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"invalid YAML: {exc}", file=path) from None
    except RecursionError:
        raise SpecLoadError(f"nesting deeper than {limits.max_depth} levels", file=path) from None
    except ValueError as exc:  # e.g. integers over Python's digit limit
        raise SpecLoadError(f"invalid value: {exc}", file=path) from None
    finally:
        loader.dispose()
    if loader.alias_hits:
        check_expansion(data, path=path, limits=limits)
    check_depth(data, path=path, limits=limits)
    return data


# For the rapidyaml fast path, which builds the data itself: the safe loader's implicit resolvers
# (first character -> [(tag, regexp)]) and its constructors decide what a plain scalar is.
IMPLICIT_RESOLVERS: dict[Any, list[tuple[str, Any]]] = _BaseLoader.yaml_implicit_resolvers  # type: ignore[attr-defined]
STR_TAG: str = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG


def scalar_constructor() -> Callable[[str, str], Any]:
    """(tag, plain scalar) -> the value the safe loader constructs for it; one per document."""
    ctors = _Loader.yaml_constructors
    ctor = yaml.constructor.SafeConstructor()

    def construct(tag: str, value: str) -> Any:
        return ctors[tag](ctor, yaml.ScalarNode(tag, value))

    return construct


# Locations: libyaml's composer keeps marks; composing is far cheaper than constructing.
def compose(text: str) -> Any:
    """The document's node tree, or None (an empty document, or text libyaml refuses)."""
    try:
        return yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None


def mark_offset(root: Any, tokens: list[str]) -> int:
    """Offset of the start mark of the node a pointer's tokens name in a composed tree: a member's
    key, an item; where the walk stops, the nearest found ancestor's."""
    node, best = root, root.start_mark.index
    for tok in tokens:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == tok:
                    best, node = k.start_mark.index, v
                    break
            else:
                return best
        elif isinstance(node, yaml.SequenceNode) and tok.isdigit() and int(tok) < len(node.value):
            node = node.value[int(tok)]
            best = node.start_mark.index
        else:
            return best
    return best
