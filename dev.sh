#!/usr/bin/env bash
# One entry point for set-up and the two jobs:
#   bash dev.sh demo   — set up (first time) and run the main job, offline, on a demo clip
#   bash dev.sh test   — set up (first time) and run the whole test suite
# Set-up is idempotent: a virtual environment in .venv with the project installed
# editable with its [dev] extras; Blender tests make their own environment (see tests/blender).
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
VENV=".venv"
STAMP="$VENV/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)"

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  if [ ! -f "$STAMP" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install --quiet -e ".[dev]"
    rm -f "$VENV"/.installed-* && touch "$STAMP"
  fi
}

cmd="${1:-help}"
shift || true
case "$cmd" in
  demo)
    setup
    exec "$VENV/bin/musiccog" demo "$@"
    ;;
  test)
    setup
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/ruff" check plugin otio_adapters tests bench resolve_scripts install
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: bash dev.sh demo|test [args…]" >&2
    exit 2
    ;;
esac
