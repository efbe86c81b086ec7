"""Identifier fields: personal id numbers, and no district level after the July 2025 reform."""

from __future__ import annotations

from collections.abc import Iterator

from ... import fieldnames
from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check


def _prop(node: Node) -> str | None:
    prop = node.context.get("property")
    return str(prop) if prop else None


@static_check("personal_id_string12", target="schema")
def personal_id_string12(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Personal identification number fields are 12-digit strings (type string, pattern ^[0-9]{12}$)."""
    prop = _prop(node)
    if prop is None or fieldnames.concept_of(prop) != "personal_id":
        return
    schema = node.value
    if schema.get("type") in ("integer", "number"):
        yield Problem(message=f"property {prop!r} is a number; a personal id is a 12-digit string (leading "
                              "zeros matter)",
                      message_vi=f"thuộc tính {prop!r} là kiểu số; số định danh cá nhân là chuỗi 12 chữ số "
                                 "(số 0 đầu có ý nghĩa)",
                      pointer=node.pointer)
        return
    pattern = schema.get("pattern")
    fixed = schema.get("minLength") == 12 and schema.get("maxLength") == 12
    if pattern not in ("^[0-9]{12}$", "^\\d{12}$") and not fixed:
        yield Problem(message=f"property {prop!r} does not constrain the value to 12 digits (pattern ^[0-9]{{12}}$)",
                      message_vi=f"thuộc tính {prop!r} không ràng buộc giá trị là 12 chữ số (pattern ^[0-9]{{12}}$)",
                      pointer=node.pointer)


@static_check("no_district_level", target="schema")
def no_district_level(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """No schema asks for a district (huyện) code or name: local government has two tiers since 1 July 2025."""
    prop = _prop(node)
    if prop is None:
        return
    concept = fieldnames.concept_of(prop)
    if concept in ("district_code", "district", "district_name"):
        yield Problem(message=f"property {prop!r} is a district-level field; since 1 July 2025 addresses are "
                              "province + commune + detail",
                      message_vi=f"thuộc tính {prop!r} là trường cấp huyện; từ 1/7/2025 địa chỉ gồm tỉnh + xã + "
                                 "chi tiết",
                      pointer=node.pointer)
