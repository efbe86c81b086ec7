import conformance


def test_all_is_sorted_and_complete():
    assert conformance.__all__ == sorted(conformance.__all__)
    public = {n for n in dir(conformance) if not n.startswith(("_", "@"))} - {
        "api", "cli", "commands", "engine", "errors", "model", "profiles", "registry", "reporters", "specs",
        "yamlio", "nodes", "validation", "checks", "docs", "codelists", "identifiers", "fieldnames",
        "refservice", "inventory", "systems", "api_graph", "api_live", "pytest_plugin"}
    assert public <= set(conformance.__all__), sorted(public - set(conformance.__all__))
