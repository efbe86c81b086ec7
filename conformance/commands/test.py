"""`conformance test SPEC --base-url URL`: live rules against a running API (probe mode by default)."""

from __future__ import annotations

import argparse

from ..cli import EXIT_ERROR, add_common, clock_from, out, write_output
from ..model import Status
from .launch_options import add_launch_options, launched_base_url, with_log_tail
from .lint import exit_code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("test", help="check a running API against its spec and a profile's live rules",
                       description="Send bounded, safe requests to a running API and check what comes back. "
                                   "Probe mode (default) sends only GET/HEAD/OPTIONS. Secrets are read from "
                                   "environment variables only.")
    p.add_argument("spec", metavar="SPEC", help="OpenAPI document the API implements")
    p.add_argument("--base-url", metavar="URL",
                   help="the only host requests go to (the spec's servers are ignored); or use --image/--command")
    p.add_argument("--profile", default="vn-full", help="built-in profile name or profile file (default vn-full)")
    p.add_argument("--mode", choices=("probe", "full"), default="probe",
                   help="probe: safe methods, valid data only (default); full: generative, all methods")
    p.add_argument("--max-requests", type=int, default=300, metavar="N", help="hard request budget (default 300)")
    p.add_argument("--rate", type=float, default=10.0, metavar="R", help="requests per second (default 10)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per request (default 10)")
    p.add_argument("--budget", type=float, default=300.0, metavar="S", help="total seconds for the run (default 300)")
    p.add_argument("--auth", metavar="SPEC", help="bearer:ENV | header:NAME:ENV | oauth2[:SCOPES] "
                   "(values are read from environment variables, never from the command line)")
    p.add_argument("--client-id-env", metavar="ENV", help="environment variable holding the OAuth2 client id")
    p.add_argument("--client-secret-env", metavar="ENV", help="environment variable holding the OAuth2 secret")
    p.add_argument("--token-url", metavar="URL", help="OAuth2 token URL (default: the spec's, if on the target host)")
    p.add_argument("--ca-file", metavar="FILE", help="CA bundle to verify the server certificate with")
    p.add_argument("--http-port", type=int, metavar="PORT", help="port of the http:// equivalent to probe "
                   "for a redirect (default 80 when the target uses 443)")
    p.add_argument("--burst", type=int, default=0, metavar="N",
                   help="full mode only: send N requests at once to test rate limiting (default off)")
    p.add_argument("--environment", metavar="E", help="declare the target's environment (e.g. production)")
    p.add_argument("--allow-production", action="store_true", help="allow --mode full against production")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when a finding is at or above this severity (default error)")
    p.add_argument("--timestamp", metavar="ISO8601", help="time to record in the result (default now)")
    p.add_argument("--verbose", "-v", action="store_true", help="also list skipped rules")
    add_launch_options(p)
    add_common(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..api_live import AuthConfig, run_live_test
    from ..profiles import resolve_profile
    from ..reporters import json as json_report
    from ..reporters import text as text_report

    auth = None
    if args.auth:
        auth = AuthConfig.parse(args.auth, client_id_env=args.client_id_env, client_secret_env=args.client_secret_env)
    profile = resolve_profile(args.profile)
    with launched_base_url(args) as launched:
        live = run_live_test(args.spec, base_url=str(launched.base_url), profile=profile, mode=args.mode,
                             max_requests=args.max_requests, rate=args.rate, timeout=args.timeout,
                             budget_seconds=args.budget, auth=auth, environment=args.environment,
                             allow_production=args.allow_production, clock=clock_from(args),
                             token_url=args.token_url, ca_file=args.ca_file, http_port=args.http_port,
                             burst=args.burst, lang=args.lang)
    for note in [*launched.notes(), *live.notes]:
        out(f"conformance: note: {note}\n", err=True)
    live.result = with_log_tail(live.result, launched.log_tail())
    if args.format == "json":
        text = json_report.dumps(live.result)
    else:
        text = text_report.render(live.result, lang=args.lang, verbose=args.verbose)
    write_output(text, args.output)
    if any(o.status is Status.ERROR for o in live.result.outcomes):
        return EXIT_ERROR
    return exit_code(live.result, args.fail_on)
