#!/usr/bin/env bash
# Integration tests on real engines (README: "Proof on real engines"): installs/checks the engines, synthesizes the
# examples, then runs jest on test/integration. A missing tool or output fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup-engines.sh
echo "test-integration: engines ready in $(( $(date +%s) - start ))s"
# shellcheck disable=SC1091
source "${KEYWARD_CACHE:-.cache}/engines.env"
# The tests read the examples' synthesized output: synthesize it fresh, so a local run never tests stale output.
# KEYWARD_SKIP_SYNTH=1 skips this when the caller has just synthesized (CI does, right before).
if [ -z "${KEYWARD_SKIP_SYNTH:-}" ] || [ ! -d cdk.out ] || [ ! -d cdktf.out ]; then
  npm run synth
fi
npx jest -c jest.integration.config.js --ci --runInBand "$@"
echo "test-integration: total $(( $(date +%s) - start ))s"
