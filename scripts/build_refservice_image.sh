#!/usr/bin/env bash
# Build conformance-refservice:test (FROM scratch, no registry) from this checkout; see
# tests/docker/build_refservice_image.py. Usage: scripts/build_refservice_image.sh [--tag NAME:TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
exec "$PY" tests/docker/build_refservice_image.py "$@"
