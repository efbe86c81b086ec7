"""CLI commands, one module per command group; each exposes ``register(subparsers)``.

The order here is the order of ``conformance --help``: the main job first, then the single checks,
then the operator's tools.
"""

from . import batch, gate, graph, lint, render, rules, run, test

COMMANDS = [run.register, lint.register, test.register, graph.register, render.register, rules.register,
            gate.register, batch.register]
