"""One walk over an OpenAPI document (2.0, 3.0, 3.1), yielding typed nodes for static rules.

Every node kind is a rule ``target``. ``$ref``s are resolved, and a definition reached from many
places is yielded once (at its own pointer), so a rule reports a shared component once. The walk
is defensive: on a structurally invalid document it yields what it can and never raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .collector import no_gc
from .specs import BUNDLE_KEY, SpecDocument
from .yamlio import escape_token, join_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SAFE_METHODS = frozenset({"get", "head", "options", "trace"})

TARGETS = ("document", "info", "server", "tag", "security_scheme", "path", "operation",
           "parameter", "request_body", "response", "header", "media_type", "schema")

_SCHEMA_CHILDREN_MAP = ("properties", "patternProperties", "definitions", "$defs",
                        "dependentSchemas")
_SCHEMA_CHILDREN_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames",
                        "if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
                        "additionalItems")
_SCHEMA_CHILDREN_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_CHILD_KEYS = frozenset(_SCHEMA_CHILDREN_MAP + _SCHEMA_CHILDREN_ONE + _SCHEMA_CHILDREN_LIST)
# Sub-schemas are walked in this order of keywords (all map-valued ones first).
_CHILD_RANK = {k: i for i, k in enumerate(_SCHEMA_CHILDREN_MAP + _SCHEMA_CHILDREN_ONE
                                          + _SCHEMA_CHILDREN_LIST)}
_COMPONENT_REFS = ("#/components/schemas/", "#/definitions/")
_BUNDLE_REF = "#/" + BUNDLE_KEY


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    kind: str
    pointer: str
    value: Any
    path: str | None = None  # URL path template, for nodes under an operation
    method: str | None = None
    operation_id: str | None = None
    name: str | None = None  # parameter/header/property/scheme name, status code, media type
    context: Mapping[str, Any] = field(default_factory=dict)


def _fast_init() -> tuple[Any, Any]:
    """Node's ``__init__``, still frozen: a frozen dataclass's own sets each field through
    ``object.__setattr__`` looked up per field (~1.7 µs a node); the slots' own setters, bound
    once, take a third of that, and the walk makes a Node per schema, parameter, response...
    Also a positional maker of schema nodes (half of most walks), without keyword parsing."""
    setters = {f.name: getattr(Node, f.name).__set__ for f in fields(Node)}
    s_kind, s_pointer, s_value, s_path, s_method, s_op, s_name, s_context = (setters.pop(name) for name in (
        "kind", "pointer", "value", "path", "method", "operation_id", "name", "context"))
    assert not setters, f"Node fields not set by its __init__: {sorted(setters)}"
    no_context: Any = object()

    def __init__(self: Node, *, kind: str, pointer: str, value: Any, path: str | None = None,
                 method: str | None = None, operation_id: str | None = None, name: str | None = None,
                 context: Mapping[str, Any] = no_context) -> None:
        s_kind(self, kind)
        s_pointer(self, pointer)
        s_value(self, value)
        s_path(self, path)
        s_method(self, method)
        s_op(self, operation_id)
        s_name(self, name)
        s_context(self, {} if context is no_context else context)

    def schema_node(pointer: str, value: Any, name: str | None, context: Mapping[str, Any]) -> Node:
        node = new(Node)
        s_kind(node, "schema")
        s_pointer(node, pointer)
        s_value(node, value)
        s_path(node, None)
        s_method(node, None)
        s_op(node, None)
        s_name(node, name)
        s_context(node, context)
        return node

    new = object.__new__
    return __init__, schema_node


Node.__init__, _schema_node = _fast_init()  # type: ignore[method-assign]


def walk(doc: SpecDocument) -> Iterator[Node]:
    """The document's nodes, in walk order. Computed once per document and kept in ``doc.cache``:
    the engine and several checks (fields index, extension places) each need the whole walk."""
    nodes = doc.cache.get("nodes")
    if nodes is None or doc.cache.get("nodes_of") is not doc.data:
        # The walk makes only acyclic objects (tens of thousands on big documents): the cyclic
        # collector, run again and again meanwhile, would find nothing and cost ~15 % of it.
        with no_gc():
            nodes = _walk(doc)
        doc.cache["nodes"] = nodes
        doc.cache["nodes_of"] = doc.data
    return iter(nodes)


def _walk(doc: SpecDocument) -> list[Node]:
    nodes = [Node(kind="document", pointer="", value=doc.data)]
    if isinstance(doc.data, dict):
        _Walker(doc, nodes).run()
    return nodes


class _Walker:
    """Appends the nodes to ``out`` in walk order (plain calls: a chain of generators five deep
    cost about as much as making the nodes)."""

    def __init__(self, doc: SpecDocument, out: list[Node]) -> None:
        self.doc = doc
        self.emit = out.append
        self.data: dict[str, Any] = doc.data
        self.swagger = doc.family == "swagger2"
        self.seen: set[tuple[str, str]] = set()  # (kind, pointer) already yielded
        self.schema_seen: set[str] = set()  # the same for kind "schema", kept apart for speed

    def _once(self, kind: str, pointer: str) -> bool:
        key = (kind, pointer)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def run(self) -> None:
        data, emit = self.data, self.emit
        info = data.get("info")
        if isinstance(info, dict):
            emit(Node(kind="info", pointer="/info", value=info))
        self._servers()
        for i, tag in enumerate(_as_list(data.get("tags"))):
            if isinstance(tag, dict):
                emit(Node(kind="tag", pointer=f"/tags/{i}", value=tag, name=str(tag.get("name"))))
        self._security_schemes()
        paths = data.get("paths")
        if isinstance(paths, dict):
            for template, item in paths.items():
                self._path_item(template, item, join_pointer("/paths", template))
        webhooks = data.get("webhooks")
        if isinstance(webhooks, dict):
            for name, item in webhooks.items():
                self._path_item(name, item, join_pointer("/webhooks", name))
        self._component_schemas()

    # -- top level ------------------------------------------------------------------------
    def _servers(self) -> None:
        if self.swagger:
            host = self.data.get("host")
            base = self.data.get("basePath", "") or ""
            schemes = _as_list(self.data.get("schemes")) or ["https"]
            if isinstance(host, str):
                for i, scheme in enumerate(schemes):
                    url = f"{scheme}://{host}{base if isinstance(base, str) else ''}"
                    ptr = f"/schemes/{i}" if self.data.get("schemes") else "/host"
                    self.emit(Node(kind="server", pointer=ptr, value={"url": url}, name=url))
            return
        for i, server in enumerate(_as_list(self.data.get("servers"))):
            if isinstance(server, dict):
                self.emit(Node(kind="server", pointer=f"/servers/{i}", value=server,
                               name=str(server.get("url"))))

    def _security_schemes(self) -> None:
        if self.swagger:
            base, schemes = "/securityDefinitions", self.data.get("securityDefinitions")
        else:
            comps = self.data.get("components")
            base = "/components/securitySchemes"
            schemes = comps.get("securitySchemes") if isinstance(comps, dict) else None
        if isinstance(schemes, dict):
            for name, scheme in schemes.items():
                value, ptr = self.doc.resolve(scheme, join_pointer(base, name))
                if isinstance(value, dict):
                    self.emit(Node(kind="security_scheme", pointer=ptr, value=value, name=name))

    def _component_schemas(self) -> None:
        if self.swagger:
            roots = [("/definitions", self.data.get("definitions"))]
        else:
            comps = self.data.get("components")
            roots = [("/components/schemas", comps.get("schemas") if isinstance(comps, dict) else None)]
        for base, schemas in roots:
            if isinstance(schemas, dict):
                for name, schema in schemas.items():
                    self._schema(schema, join_pointer(base, name), name=name,
                                 ctx={"where": "component", "component": name})

    # -- paths and operations ---------------------------------------------------------------
    def _path_item(self, template: str, item: Any, ptr: str, *, operations_only: bool = False) -> None:
        item, ptr = self.doc.resolve(item, ptr)
        if not isinstance(item, dict):
            return
        if not operations_only:
            self.emit(Node(kind="path", pointer=ptr, value=item, path=template))
        shared = _as_list(item.get("parameters"))
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                self._operation(template, method, op, ptr + "/" + method, shared, ptr,
                                operations_only=operations_only)

    def _operation(self, template: str, method: str, op: dict[str, Any], ptr: str,
                   shared: list[Any], item_ptr: str, *, operations_only: bool = False) -> None:
        emit = self.emit
        op_id = op.get("operationId") if isinstance(op.get("operationId"), str) else None
        security = op.get("security", self.data.get("security"))
        params = self._merged_parameters(shared, item_ptr, op, ptr)
        ctx = {"security": security, "parameters": params,
               "security_declared_on": "operation" if "security" in op else
               ("root" if "security" in self.data else None)}
        loc = {"path": template, "method": method, "operation_id": op_id}
        emit(Node(kind="operation", pointer=ptr, value=op, context=ctx, **loc))
        if operations_only:
            return
        for p_ptr, param in params:
            if self._once("parameter", p_ptr):
                emit(Node(kind="parameter", pointer=p_ptr, value=param,
                          name=str(param.get("name")), context={"in": param.get("in")}, **loc))
            if self.swagger and param.get("in") == "body":
                self._swagger_body(param, p_ptr, op, loc)
            elif "schema" in param:
                self._schema(param["schema"], p_ptr + "/schema", name=str(param.get("name")),
                             ctx={"where": "parameter", "in": param.get("in")})
            elif self.swagger:  # 2.0 non-body parameters carry the schema keywords inline
                self._schema(param, p_ptr, name=str(param.get("name")),
                             ctx={"where": "parameter", "in": param.get("in")})
        body = op.get("requestBody")
        if body is not None:
            value, b_ptr = self.doc.resolve(body, ptr + "/requestBody")
            if isinstance(value, dict):
                if self._once("request_body", b_ptr):
                    emit(Node(kind="request_body", pointer=b_ptr, value=value, **loc))
                self._content(value.get("content"), b_ptr + "/content", loc, where="request")
        responses = op.get("responses")
        if isinstance(responses, dict):
            r_base = ptr + "/responses/"
            for status, resp in responses.items():
                self._response(str(status), resp, r_base + _token(status), op, loc)

    def _merged_parameters(self, shared: list[Any], item_ptr: str, op: dict[str, Any],
                           op_ptr: str) -> list[tuple[str, dict[str, Any]]]:
        merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        resolve = self.doc.resolve
        for base, plist in ((item_ptr, shared), (op_ptr, _as_list(op.get("parameters")))):
            for i, p in enumerate(plist):
                value, ptr = resolve(p, f"{base}/parameters/{i}")
                if isinstance(value, dict):
                    merged[(str(value.get("name")), str(value.get("in")))] = (ptr, value)
        return list(merged.values())

    def _swagger_body(self, param: dict[str, Any], p_ptr: str, op: dict[str, Any],
                      loc: Mapping[str, Any]) -> None:
        if self._once("request_body", p_ptr):
            self.emit(Node(kind="request_body", pointer=p_ptr, value=param, **loc))
        types = _as_list(op.get("consumes", self.data.get("consumes"))) or ["application/json"]
        for mt in types:
            self.emit(Node(kind="media_type", pointer=p_ptr, value={"schema": param.get("schema")},
                           name=str(mt), context={"where": "request"}, **loc))
        self._schema(param.get("schema"), p_ptr + "/schema", name=None, ctx={"where": "request"})

    def _response(self, status: str, resp: Any, r_ptr: str, op: dict[str, Any],
                  loc: Mapping[str, Any]) -> None:
        value, ptr = self.doc.resolve(resp, r_ptr)
        if not isinstance(value, dict):
            return
        emit = self.emit
        emit(Node(kind="response", pointer=ptr, value=value, name=status,
                  context={"declared_at": r_ptr}, **loc))
        headers = value.get("headers")
        if isinstance(headers, dict):
            for hname, header in headers.items():
                h_value, h_ptr = self.doc.resolve(header, join_pointer(ptr + "/headers", hname))
                if isinstance(h_value, dict) and self._once("header", h_ptr):
                    emit(Node(kind="header", pointer=h_ptr, value=h_value, name=hname,
                              context={"status": status}, **loc))
        if self.swagger:
            if "schema" in value:
                types = _as_list(op.get("produces", self.data.get("produces"))) or ["application/json"]
                for mt in types:
                    emit(Node(kind="media_type", pointer=ptr, name=str(mt),
                              value={"schema": value.get("schema"), "examples": value.get("examples")},
                              context={"where": "response", "status": status}, **loc))
                self._schema(value["schema"], ptr + "/schema", name=None,
                             ctx={"where": "response", "status": status})
            return
        self._content(value.get("content"), ptr + "/content", loc, where="response", status=status)

    def _content(self, content: Any, c_ptr: str, loc: Mapping[str, Any], *, where: str,
                 status: str | None = None) -> None:
        if not isinstance(content, dict):
            return
        for mt, media in content.items():
            m_ptr = join_pointer(c_ptr, mt)
            if not isinstance(media, dict):
                continue
            ctx = {"where": where, "status": status}
            self.emit(Node(kind="media_type", pointer=m_ptr, value=media, name=mt, context=ctx, **loc))
            if "schema" in media:
                self._schema(media["schema"], m_ptr + "/schema", name=None, ctx=ctx)

    # -- schemas ----------------------------------------------------------------------------
    def _schema(self, schema: Any, ptr: str, *, name: str | None,
                ctx: Mapping[str, Any]) -> None:
        """Each schema once, with its sub-schemas. Components are reached by their own walk, so a
        reference into components is not followed here; a reference elsewhere is, once. The
        hottest loop of the walk (most nodes are schemas): pointers are built by concatenation,
        schema keywords needing no escaping."""
        seen, resolve, emit = self.schema_seen, self.doc.resolve, self.emit
        if isinstance(schema, dict):  # the commonest calls, settled before setting up the loop
            ref = schema.get("$ref")
            if ref is None and _SCHEMA_CHILD_KEYS.isdisjoint(schema):  # a leaf
                if ptr not in seen:
                    seen.add(ptr)
                    emit(_schema_node(ptr, schema, name, ctx))
                return
            if isinstance(ref, str) and ref.startswith(_COMPONENT_REFS):
                return
        stack: list[tuple[Any, str, str | None, Mapping[str, Any]]] = [(schema, ptr, name, ctx)]
        pop, push = stack.pop, stack.extend
        while stack:
            node, p, nm, c = pop()
            if not isinstance(node, dict):
                continue
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref.startswith(_COMPONENT_REFS):
                    continue
                if ref.startswith(_BUNDLE_REF):
                    node, p = resolve(node, p)
                    if not isinstance(node, dict):
                        continue
            if p in seen:
                continue
            seen.add(p)
            emit(_schema_node(p, node, nm, c))
            if _SCHEMA_CHILD_KEYS.isdisjoint(node):  # a leaf schema (most are): nothing below it
                continue
            children: list[tuple[Any, str, str | None, Mapping[str, Any]]] = []
            add = children.append
            present: Any = node.keys() & _SCHEMA_CHILD_KEYS
            if len(present) > 1:
                present = sorted(present, key=_CHILD_RANK.__getitem__)
            for key in present:
                sub = node[key]
                base = p + "/" + key
                if key in _SCHEMA_CHILDREN_MAP:
                    if isinstance(sub, dict):
                        base += "/"
                        if key == "properties":
                            for k, v in sub.items():
                                tok = k if k.__class__ is str and "~" not in k and "/" not in k else _token(k)
                                add((v, base + tok, k, {**c, "parent": p, "property": k}))
                        else:
                            for k, v in sub.items():
                                add((v, base + _token(k), nm, c))
                elif isinstance(sub, dict) and key in _SCHEMA_CHILDREN_ONE:
                    add((sub, base, nm, c))
                elif isinstance(sub, list) and (key == "items" or key in _SCHEMA_CHILDREN_LIST):
                    children.extend((v, f"{base}/{i}", nm, c) for i, v in enumerate(sub))
            push(reversed(children))


def _token(key: Any) -> str:
    return escape_token(key) if isinstance(key, str) else str(key)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def operations(doc: SpecDocument) -> list[Node]:
    """Just the operation nodes, computed once per document: many checks need the whole list, and
    a full walk (schemas included) per call was the hottest path on large specs."""
    cached = doc.cache.get("operations")
    if cached is None:
        cached = []
        if isinstance(doc.data, dict):
            w = _Walker(doc, cached)
            for source, base in (("paths", "/paths"), ("webhooks", "/webhooks")):
                items = doc.data.get(source)
                if isinstance(items, dict):
                    for template, item in items.items():
                        w._path_item(template, item, join_pointer(base, template), operations_only=True)
        doc.cache["operations"] = cached
    return list(cached)
