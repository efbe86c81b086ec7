"""Live checks: pure functions over what the live engine recorded.

Pattern (chosen over schemathesis's raise-``Failure`` contract so that checks stay plain data in,
plain data out, testable without a network and without importing schemathesis):

    @live_check("name", target="exchange:unauthenticated")
    def name(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]: ...

* ``target`` names what the check is handed (see ``engine/exchange.py``): one ``Exchange`` of a
  given purpose, the whole ``LiveRun``, or the ``TransportReport``.
* Checks yield ``Problem``s with a ``Location`` (method, path, operation id, url). They never
  build evidence: the engine attaches the redacted request/response and a curl command of the
  exchange the problem came from, so a check cannot leak a secret.
* A check yields nothing when the exchange is not its business; the engine marks a rule
  ``not_applicable`` when it had nothing to look at.
* schemathesis's own checks run inside the engine; ``schemathesis_check`` rules only report the
  failures the engine recorded under the check's name (option ``check``).
"""
