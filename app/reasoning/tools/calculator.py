"""Safe arithmetic: an AST walker over numbers, operators and a few math functions (never eval)."""

from __future__ import annotations

import ast
import math
import operator
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCS = {"sqrt": math.sqrt, "sin": math.sin, "cos": math.cos, "tan": math.tan, "log": math.log10,
          "ln": math.log, "abs": abs, "round": round, "exp": math.exp, "floor": math.floor, "ceil": math.ceil}
_CONSTS = {"pi": math.pi, "e": math.e, "tau": math.tau}
MAX_EXPR = 300


class CalcError(ValueError):
    """The expression is not plain arithmetic or cannot be computed."""


def evaluate(expr: str) -> float | int:
    """Evaluate an arithmetic expression; raises CalcError with a readable reason."""
    if len(expr) > MAX_EXPR:
        raise CalcError("expression is too long")
    expr = expr.replace("^", "**").replace("×", "*").replace("÷", "/")
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise CalcError(f"not an arithmetic expression: {expr!r}") from exc
    try:
        return _eval(tree.body)
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise CalcError(str(exc) or type(exc).__name__) from exc
    except RecursionError as exc:
        raise CalcError("expression is nested too deeply") from exc


def _eval(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > 1000 or (abs(left) > 1e6 and abs(right) > 50)):
            raise CalcError("exponent is too large")
        if (isinstance(node.op, ast.Mult) and isinstance(left, int) and isinstance(right, int)
                and left.bit_length() + right.bit_length() > 4000):
            raise CalcError("result is too large")
        return _BIN[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.Name) and node.id in _CONSTS:
        return _CONSTS[node.id]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS
            and not node.keywords and len(node.args) in (1, 2)):
        return _FUNCS[node.func.id](*(_eval(a) for a in node.args))
    raise CalcError(f"unsupported element: {type(node).__name__}")


def format_number(value: float | int) -> str:
    """Speakable number: integers without '.0', floats to 10 significant digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def calculator_tool() -> Tool:
    """The calculate tool."""

    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        value = evaluate(str(args["expression"]))
        return {"expression": args["expression"], "result": format_number(value)}

    spec = ToolSpec(
        "calculate", "Evaluate an arithmetic expression such as '2**10' or 'sqrt(2)*3'.",
        {"type": "object", "properties": {"expression": {"type": "string", "minLength": 1, "maxLength": MAX_EXPR}},
         "required": ["expression"], "additionalProperties": False},
        (("what is 12 times 7", {"expression": "12*7"}),),
    )
    return Tool(spec, handler, timeout_s=2.0)
