import inspect

import conformance


def test_all_is_sorted_and_complete():
    assert conformance.__all__ == sorted(conformance.__all__)
    # Submodules become attributes of the package as they are imported; they are not the public API.
    public = {n for n in dir(conformance) if not n.startswith(("_", "@"))
              and not inspect.ismodule(getattr(conformance, n))}
    assert public <= set(conformance.__all__), sorted(public - set(conformance.__all__))
    for name in conformance.__all__:
        assert hasattr(conformance, name), name
