#!/usr/bin/env bash
# Run the whole test suite: sets up .venv with the test tools on first use, checks the code
# (ruff) and the layers (lint-imports, contracts in pyproject.toml), then pytest.
# Set TEST_DATABASE_URL=postgresql+asyncpg://user:password@host/db to run it on PostgreSQL too.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "test,postgres,redis"
.venv/bin/ruff check .
.venv/bin/lint-imports --no-logo
exec .venv/bin/python -m pytest "$@"
