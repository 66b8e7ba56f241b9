#!/usr/bin/env bash
# Creates infra/.venv with the pinned Python tools Kiln's benchmarks (and later, integrations) use.
# Usage: infra/venv.sh [package ...]   (default: the benchmark peers)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/infra/.venv"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
pkgs=("$@")
[[ ${#pkgs[@]} -gt 0 ]] || pkgs=(kedro==1.7.0 dvc==3.67.1)
"$VENV/bin/pip" install -q --disable-pip-version-check "${pkgs[@]}"
echo "$VENV"
