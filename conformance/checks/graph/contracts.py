"""Cross-spec resolution: consumed operations exist in the provider's spec, read fields are declared.

``ctx.extra["specs"]`` is the engine's ``SpecIndex`` (providers' operations, loaded once).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Problem
from ...registry import CheckContext, graph_check
from . import problem

if TYPE_CHECKING:  # annotations only: networkx is imported when a graph is built
    from ...systems import SystemGraph


@graph_check("consumed_operations_resolve")
def consumed_operations_resolve(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Every operation a connection consumes (operationId or ``METHOD /path``) is in the provider's spec."""
    index = ctx.extra["specs"]
    for c in graph.connections:
        if not c.operations:
            continue
        provider = index.provider(c.target)
        for ref in c.operations:
            if provider.find(ref) is not None:
                continue
            if not graph.systems[c.target].spec_paths:
                yield problem(f"consumes {ref!r} but the provider publishes no spec to resolve it against",
                              f"sử dụng {ref!r} nhưng bên cung cấp không công bố đặc tả API", c.source, c.target)
            elif provider.errors and not provider.operations:
                yield problem(f"consumes {ref!r} but the provider's spec cannot be read: {provider.errors[0]}",
                              f"sử dụng {ref!r} nhưng không đọc được đặc tả của bên cung cấp: {provider.errors[0]}",
                              c.source, c.target)
            else:
                yield problem(f"consumed operation {ref!r} is not in the provider's spec",
                              f"thao tác {ref!r} được sử dụng nhưng không có trong đặc tả của bên cung cấp",
                              c.source, c.target)


@graph_check("read_fields_declared")
def read_fields_declared(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Response fields a consumer reads are declared in the provider's 2xx response schemas
    (dotted paths, arrays transparent; a bare name matches a property at any depth)."""
    index = ctx.extra["specs"]
    for c in graph.connections:
        if not c.fields:
            continue
        provider = index.provider(c.target)
        for op_ref, fields in c.fields.items():
            refs = c.operations if op_ref == "*" else (op_ref,)
            ops = [op for op in (provider.find(r) for r in refs) if op is not None]
            if not ops:
                continue  # unresolved operations are consumed_operations_resolve's finding
            for name in fields:
                if not any(name in op.fields or ("." not in name and name in op.names) for op in ops):
                    label = ", ".join(op.operation_id or f"{op.method.upper()} {op.path}" for op in ops)
                    yield problem(f"reads response field {name!r} that {label} does not declare",
                                  f"đọc trường {name!r} mà {label} không khai báo trong phản hồi",
                                  c.source, c.target)
