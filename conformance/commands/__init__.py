"""CLI commands, one module per command group; each exposes ``register(subparsers)``."""

from . import lint, rules

COMMANDS = [lint.register, rules.register]
