"""python -m conformance.refservice [--host H] [--port N] [--fault NAME ...]

Runs the reference agency service in the foreground. The bearer token comes from the
REFSERVICE_TOKEN environment variable (a random one is generated and printed otherwise).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .faults import FAULTS
from .service import RefService


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.refservice",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (default)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        choices=sorted(FAULTS),
        help="inject a fault (repeatable); see --list-faults",
    )
    parser.add_argument("--rate-limit", type=int, default=50, help="requests/second before 429 (0 = off)")
    parser.add_argument("--slow-seconds", type=float, default=2.5)
    parser.add_argument("--client-id", default=os.environ.get("REFSERVICE_CLIENT_ID", "refservice-client"))
    parser.add_argument(
        "--client-secret", default=os.environ.get("REFSERVICE_CLIENT_SECRET", "refservice-secret")
    )
    parser.add_argument("--list-faults", action="store_true", help="print the fault names and exit")
    args = parser.parse_args(argv)
    if args.list_faults:
        for name, text in FAULTS.items():
            print(f"{name:26} {text}")
        return 0
    env_token = os.environ.get("REFSERVICE_TOKEN")
    svc = RefService(
        faults=args.fault,
        token=env_token,
        host=args.host,
        port=args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        rate_limit=args.rate_limit or None,
        slow_seconds=args.slow_seconds,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with svc:
        print(svc.base_url, flush=True)
        print(f"token endpoint: {svc.token_url}", file=sys.stderr)
        if env_token is None:
            print(f"bearer token: {svc.token}", file=sys.stderr)
        if svc.faults:
            print(f"faults: {', '.join(sorted(svc.faults))}", file=sys.stderr)
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
