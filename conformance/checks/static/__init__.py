"""Static checks: pure functions of a document node, yielding Problems."""
