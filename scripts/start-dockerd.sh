#!/usr/bin/env bash
# Make a Docker Engine answer on the local socket, for the launcher tests (tests/docker). Idempotent:
# installs Debian's docker.io when dockerd is missing, starts dockerd when no engine answers, then
# waits (bounded) for `docker info`. Exits non-zero if no engine answers in the end.
#
# dockerd runs with --iptables=false: the harness only publishes container ports on 127.0.0.1, which
# the engine's userland proxy serves without any firewall rule, so the engine never rewrites the
# host's iptables (CI machines and sandboxes may not allow it) and containers get no outbound NAT.
set -euo pipefail
LOG=${DOCKERD_LOG:-/tmp/dockerd.log}
WAIT=${DOCKERD_WAIT:-60}

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_up; then
  echo "start-dockerd: engine already running"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "start-dockerd: no engine answers and not root: cannot install or start dockerd" >&2; exit 1
fi
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  echo "start-dockerd: installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "start-dockerd: starting dockerd (log: $LOG)"
  setsid nohup dockerd --iptables=false --ip6tables=false >"$LOG" 2>&1 < /dev/null &
fi
for _ in $(seq "$WAIT"); do
  if engine_up; then echo "start-dockerd: engine ready"; exit 0; fi
  sleep 1
done
echo "start-dockerd: no engine after ${WAIT}s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 || true
exit 1
