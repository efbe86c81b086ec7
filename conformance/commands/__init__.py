"""CLI commands, one module per command group; each exposes ``register(subparsers)``."""

from . import batch, gate, graph, lint, render, rules, run, test

COMMANDS = [lint.register, rules.register, render.register]
COMMANDS.append(graph.register)
COMMANDS.append(run.register)
COMMANDS.append(test.register)
COMMANDS.append(gate.register)
COMMANDS.append(batch.register)
