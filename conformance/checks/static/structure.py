"""Structural checks: the document is a valid OpenAPI description whose references resolve."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ...validation import structural_errors


@static_check("openapi_structure", target="document")
def openapi_structure(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """The document validates against the OpenAPI schema of its declared version."""
    for pointer, message in structural_errors(node.value, ctx.doc.family, ctx.doc.version):
        yield Problem(message=message, message_vi=f"Cấu trúc OpenAPI không hợp lệ: {message}",
                      pointer=pointer)


@static_check("references_resolve", target="document")
def references_resolve(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Every ``$ref`` resolves inside the document's own folder tree (or an allowed https host)."""
    yield from ctx.doc.ref_problems
