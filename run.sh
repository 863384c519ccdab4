#!/usr/bin/env bash
# Run the bot: sets up .venv on first use, then `python -m bot` (any arguments are passed on,
# e.g. `./run.sh db upgrade` or `./run.sh --help`). Settings come from the environment or .env.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "postgres,redis"
exec .venv/bin/python -m bot "$@"
