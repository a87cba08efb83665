#!/usr/bin/env bash
# The Python package and the Python example (docs/python.md), from scratch: builds the keyward wheel with jsii-pacmak
# into dist/python/, creates examples/python/.venv fresh and installs the wheel there with its peers from the Python
# index (pip's download cache, $KEYWARD_CACHE/pip, may be warm; the venv never is), synthesizes the example for both
# targets with the guards on (`cdk synth`, `python vault_app.py`), and runs pytest.
# test/integration/python-worker.test.ts uses the same venv.
# Needs `npm run build` first (the .jsii assembly and lib/*.js); any failure fails the run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
EXAMPLE="$ROOT/examples/python"
VENV="$EXAMPLE/.venv"
PYTHON="${KEYWARD_PYTHON:-python3}"
# Downloads are cached next to the engines (.ci/run keeps KEYWARD_CACHE outside the clone); the venv is always new.
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-${KEYWARD_CACHE:-$ROOT/.cache}/pip}"
cd "$ROOT"
log() { echo "python-ci: $*" >&2; }
start=$(date +%s)
step=$start
lap() { local now; now=$(date +%s); times+=("$1 $((now - step))s"); step=$now; }
times=()

[ -f .jsii ] || { log "ERROR: no .jsii assembly: run npm run build first"; exit 1; }
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10), sys.version' \
  || { log "ERROR: $PYTHON is not Python >= 3.10 (the wheel's Requires-Python)"; exit 1; }

rm -rf dist/python
npm run --silent package:python
wheel="$(ls dist/python/keyward-*-py3-none-any.whl)"
log "built $wheel ($(( $(stat -c %s "$wheel") / 1024 )) KiB)"
lap wheel

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q -r "$EXAMPLE/requirements-dev.txt"
"$VENV/bin/pip" check
lap "venv+pip install"

(
  cd "$EXAMPLE"
  rm -rf cdk.out cdktf.out
  # cdk.json runs `python3 app.py`: the venv's python, with the AwsGuard and cdk-nag AwsSolutions plugins on.
  PATH="$VENV/bin:$PATH" npx cdk synth --quiet
  "$VENV/bin/python" vault_app.py
  ls cdk.out/*.template.json cdktf.out/stacks/*/cdk.tf.json >&2
)
lap synth

(cd "$EXAMPLE" && "$VENV/bin/python" -m pytest -p no:cacheprovider)
lap pytest

log "${times[*]}; total $(( $(date +%s) - start ))s"
