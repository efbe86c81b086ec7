"""Reporters are pure functions of a RunResult: same result, same bytes."""
