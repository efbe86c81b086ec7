"""One walk over an OpenAPI document (2.0, 3.0, 3.1), yielding typed nodes for static rules.

Every node kind is a rule ``target``. ``$ref``s are resolved, and a definition reached from many
places is yielded once (at its own pointer), so a rule reports a shared component once. The walk
is defensive: on a structurally invalid document it yields what it can and never raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .specs import BUNDLE_KEY, SpecDocument
from .yamlio import join_pointer

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


def walk(doc: SpecDocument) -> Iterator[Node]:
    """The document's nodes, in walk order. Computed once per document and kept in ``doc.cache``:
    the engine and several checks (fields index, extension places) each need the whole walk."""
    nodes = doc.cache.get("nodes")
    if nodes is None or doc.cache.get("nodes_of") is not doc.data:
        nodes = list(_walk(doc))
        doc.cache["nodes"] = nodes
        doc.cache["nodes_of"] = doc.data
    return iter(nodes)


def _walk(doc: SpecDocument) -> Iterator[Node]:
    data = doc.data
    if not isinstance(data, dict):
        yield Node(kind="document", pointer="", value=data)
        return
    yield Node(kind="document", pointer="", value=data)
    w = _Walker(doc)
    yield from w.run()


class _Walker:
    def __init__(self, doc: SpecDocument) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.swagger = doc.family == "swagger2"
        self.seen: set[tuple[str, str]] = set()  # (kind, pointer) already yielded

    def _once(self, kind: str, pointer: str) -> bool:
        key = (kind, pointer)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def run(self) -> Iterator[Node]:
        data = self.data
        info = data.get("info")
        if isinstance(info, dict):
            yield Node(kind="info", pointer="/info", value=info)
        yield from self._servers()
        for i, tag in enumerate(_as_list(data.get("tags"))):
            if isinstance(tag, dict):
                yield Node(kind="tag", pointer=f"/tags/{i}", value=tag, name=str(tag.get("name")))
        yield from self._security_schemes()
        paths = data.get("paths")
        if isinstance(paths, dict):
            for template, item in paths.items():
                yield from self._path_item(template, item, join_pointer("/paths", template))
        webhooks = data.get("webhooks")
        if isinstance(webhooks, dict):
            for name, item in webhooks.items():
                yield from self._path_item(name, item, join_pointer("/webhooks", name))
        yield from self._component_schemas()

    # -- top level ------------------------------------------------------------------------
    def _servers(self) -> Iterator[Node]:
        if self.swagger:
            host = self.data.get("host")
            base = self.data.get("basePath", "") or ""
            schemes = _as_list(self.data.get("schemes")) or ["https"]
            if isinstance(host, str):
                for i, scheme in enumerate(schemes):
                    url = f"{scheme}://{host}{base if isinstance(base, str) else ''}"
                    ptr = f"/schemes/{i}" if self.data.get("schemes") else "/host"
                    yield Node(kind="server", pointer=ptr, value={"url": url}, name=url)
            return
        for i, server in enumerate(_as_list(self.data.get("servers"))):
            if isinstance(server, dict):
                yield Node(kind="server", pointer=f"/servers/{i}", value=server,
                           name=str(server.get("url")))

    def _security_schemes(self) -> Iterator[Node]:
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
                    yield Node(kind="security_scheme", pointer=ptr, value=value, name=name)

    def _component_schemas(self) -> Iterator[Node]:
        if self.swagger:
            roots = [("/definitions", self.data.get("definitions"))]
        else:
            comps = self.data.get("components")
            roots = [("/components/schemas", comps.get("schemas") if isinstance(comps, dict) else None)]
        for base, schemas in roots:
            if isinstance(schemas, dict):
                for name, schema in schemas.items():
                    yield from self._schema(schema, join_pointer(base, name), name=name,
                                            ctx={"where": "component", "component": name})

    # -- paths and operations ---------------------------------------------------------------
    def _path_item(self, template: str, item: Any, ptr: str, *, operations_only: bool = False) -> Iterator[Node]:
        item, ptr = self.doc.resolve(item, ptr)
        if not isinstance(item, dict):
            return
        if not operations_only:
            yield Node(kind="path", pointer=ptr, value=item, path=template)
        shared = _as_list(item.get("parameters"))
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield from self._operation(template, method, op, join_pointer(ptr, method),
                                           shared, ptr, operations_only=operations_only)

    def _operation(self, template: str, method: str, op: dict[str, Any], ptr: str,
                   shared: list[Any], item_ptr: str, *, operations_only: bool = False) -> Iterator[Node]:
        op_id = op.get("operationId") if isinstance(op.get("operationId"), str) else None
        security = op.get("security", self.data.get("security"))
        params = self._merged_parameters(shared, item_ptr, op, ptr)
        ctx = {"security": security, "parameters": params,
               "security_declared_on": "operation" if "security" in op else
               ("root" if "security" in self.data else None)}
        loc = {"path": template, "method": method, "operation_id": op_id}
        yield Node(kind="operation", pointer=ptr, value=op, context=ctx, **loc)
        if operations_only:
            return
        for p_ptr, param in params:
            if self._once("parameter", p_ptr):
                yield Node(kind="parameter", pointer=p_ptr, value=param,
                           name=str(param.get("name")), context={"in": param.get("in")}, **loc)
            if self.swagger and param.get("in") == "body":
                yield from self._swagger_body(param, p_ptr, op, loc)
            elif "schema" in param:
                yield from self._schema(param["schema"], p_ptr + "/schema",
                                        name=str(param.get("name")),
                                        ctx={"where": "parameter", "in": param.get("in")})
            elif self.swagger:  # 2.0 non-body parameters carry the schema keywords inline
                yield from self._schema(param, p_ptr, name=str(param.get("name")),
                                        ctx={"where": "parameter", "in": param.get("in")})
        body = op.get("requestBody")
        if body is not None:
            value, b_ptr = self.doc.resolve(body, ptr + "/requestBody")
            if isinstance(value, dict):
                if self._once("request_body", b_ptr):
                    yield Node(kind="request_body", pointer=b_ptr, value=value, **loc)
                yield from self._content(value.get("content"), b_ptr + "/content", loc,
                                         where="request")
        responses = op.get("responses")
        if isinstance(responses, dict):
            for status, resp in responses.items():
                yield from self._response(str(status), resp,
                                          join_pointer(ptr + "/responses", status), op, loc)

    def _merged_parameters(self, shared: list[Any], item_ptr: str, op: dict[str, Any],
                           op_ptr: str) -> list[tuple[str, dict[str, Any]]]:
        merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for base, plist in ((item_ptr, shared), (op_ptr, _as_list(op.get("parameters")))):
            for i, p in enumerate(plist):
                value, ptr = self.doc.resolve(p, f"{base}/parameters/{i}")
                if isinstance(value, dict):
                    merged[(str(value.get("name")), str(value.get("in")))] = (ptr, value)
        return list(merged.values())

    def _swagger_body(self, param: dict[str, Any], p_ptr: str, op: dict[str, Any],
                      loc: Mapping[str, Any]) -> Iterator[Node]:
        if self._once("request_body", p_ptr):
            yield Node(kind="request_body", pointer=p_ptr, value=param, **loc)
        types = _as_list(op.get("consumes", self.data.get("consumes"))) or ["application/json"]
        for mt in types:
            yield Node(kind="media_type", pointer=p_ptr, value={"schema": param.get("schema")},
                       name=str(mt), context={"where": "request"}, **loc)
        yield from self._schema(param.get("schema"), p_ptr + "/schema", name=None,
                                ctx={"where": "request"})

    def _response(self, status: str, resp: Any, r_ptr: str, op: dict[str, Any],
                  loc: Mapping[str, Any]) -> Iterator[Node]:
        value, ptr = self.doc.resolve(resp, r_ptr)
        if not isinstance(value, dict):
            return
        yield Node(kind="response", pointer=ptr, value=value, name=status,
                   context={"declared_at": r_ptr}, **loc)
        headers = value.get("headers")
        if isinstance(headers, dict):
            for hname, header in headers.items():
                h_value, h_ptr = self.doc.resolve(header, join_pointer(ptr + "/headers", hname))
                if isinstance(h_value, dict) and self._once("header", h_ptr):
                    yield Node(kind="header", pointer=h_ptr, value=h_value, name=hname,
                               context={"status": status}, **loc)
        if self.swagger:
            if "schema" in value:
                types = _as_list(op.get("produces", self.data.get("produces"))) or ["application/json"]
                for mt in types:
                    yield Node(kind="media_type", pointer=ptr, name=str(mt),
                               value={"schema": value.get("schema"),
                                      "examples": value.get("examples")},
                               context={"where": "response", "status": status}, **loc)
                yield from self._schema(value["schema"], ptr + "/schema", name=None,
                                        ctx={"where": "response", "status": status})
            return
        yield from self._content(value.get("content"), ptr + "/content", loc, where="response",
                                 status=status)

    def _content(self, content: Any, c_ptr: str, loc: Mapping[str, Any], *, where: str,
                 status: str | None = None) -> Iterator[Node]:
        if not isinstance(content, dict):
            return
        for mt, media in content.items():
            m_ptr = join_pointer(c_ptr, mt)
            if not isinstance(media, dict):
                continue
            ctx = {"where": where, "status": status}
            yield Node(kind="media_type", pointer=m_ptr, value=media, name=mt, context=ctx, **loc)
            if "schema" in media:
                yield from self._schema(media["schema"], m_ptr + "/schema", name=None, ctx=ctx)

    # -- schemas ----------------------------------------------------------------------------
    def _schema(self, schema: Any, ptr: str, *, name: str | None,
                ctx: Mapping[str, Any]) -> Iterator[Node]:
        """Each schema once, with its sub-schemas. Components are reached by their own walk, so a
        reference into components is not followed here; a reference elsewhere is, once."""
        stack: list[tuple[Any, str, str | None, Mapping[str, Any]]] = [(schema, ptr, name, ctx)]
        while stack:
            node, p, nm, c = stack.pop()
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                ref = node["$ref"]
                if ref.startswith(("#/components/schemas/", "#/definitions/")):
                    continue
                if ref.startswith("#/" + BUNDLE_KEY):
                    node, p = self.doc.resolve(node, p)
            if not isinstance(node, dict) or not self._once("schema", p):
                continue
            yield Node(kind="schema", pointer=p, value=node, name=nm, context=c)
            present = node.keys() & _SCHEMA_CHILD_KEYS
            if not present:  # a leaf schema (most are): nothing below it
                continue
            children: list[tuple[Any, str, str | None, Mapping[str, Any]]] = []
            for key in _SCHEMA_CHILDREN_MAP:
                if key not in present:
                    continue
                sub = node.get(key)
                if isinstance(sub, dict):
                    for k, v in sub.items():
                        child_ctx = {**c, "parent": p, "property": k} if key == "properties" else c
                        children.append((v, join_pointer(p, key, k),
                                         k if key == "properties" else nm, child_ctx))
            for key in _SCHEMA_CHILDREN_ONE:
                if key not in present:
                    continue
                sub = node.get(key)
                if isinstance(sub, dict):
                    children.append((sub, join_pointer(p, key), nm, c))
                elif key == "items" and isinstance(sub, list):
                    children.extend((v, join_pointer(p, key, i), nm, c) for i, v in enumerate(sub))
            for key in _SCHEMA_CHILDREN_LIST:
                if key not in present:
                    continue
                sub = node.get(key)
                if isinstance(sub, list):
                    children.extend((v, join_pointer(p, key, i), nm, c) for i, v in enumerate(sub))
            stack.extend(reversed(children))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def operations(doc: SpecDocument) -> list[Node]:
    """Just the operation nodes, computed once per document: many checks need the whole list, and
    a full walk (schemas included) per call was the hottest path on large specs."""
    cached = doc.cache.get("operations")
    if cached is None:
        cached = []
        if isinstance(doc.data, dict):
            w = _Walker(doc)
            for source, base in (("paths", "/paths"), ("webhooks", "/webhooks")):
                items = doc.data.get(source)
                if isinstance(items, dict):
                    for template, item in items.items():
                        cached.extend(w._path_item(template, item, join_pointer(base, template),
                                                   operations_only=True))
        doc.cache["operations"] = cached
    return list(cached)
