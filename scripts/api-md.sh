#!/usr/bin/env bash
# API.md is the API reference jsii-docgen generates from the jsii assembly (.jsii, written by npm run build).
#   bash scripts/api-md.sh          regenerate API.md
#   bash scripts/api-md.sh --check  fail if API.md differs from what the current assembly generates (npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .jsii ] || { echo "api-md: no .jsii: run npm run build first" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npx --no-install jsii-docgen -o "$out/API.md"
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$out/API.md" API.md; then
    diff -u API.md "$out/API.md" | head -40 >&2 || true
    echo "api-md: API.md is stale: run bash scripts/api-md.sh and commit it" >&2
    exit 1
  fi
  echo "api-md: API.md is current" >&2
else
  cp "$out/API.md" API.md
  echo "api-md: wrote API.md ($(wc -c < API.md) bytes)" >&2
fi
