#!/usr/bin/env bash
# Refreshes the vendored gitleaks rule set (lib/core/detect-gitleaks-data.ts) from the gitleaks Go module, fetched
# from the Go module proxy. Pass a version to move to it (default: the one vendored now); then run the unit tests and
# the detection corpus (npm test) and read the diff before committing.
#
#   bash scripts/refresh-gitleaks-rules.sh [v8.x.y]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/lib/core/detect-gitleaks-data.ts"
VERSION="${1:-$(sed -n 's/^export const GITLEAKS_VERSION = "\(v[^"]*\)";$/\1/p' "$DEST" 2>/dev/null || true)}"
VERSION="${VERSION:-v8.30.1}"
command -v go >/dev/null || { echo "refresh-gitleaks-rules: a Go toolchain is needed (go mod download)" >&2; exit 1; }
DIR="$(cd /tmp && go mod download -json "github.com/zricethezav/gitleaks/v8@$VERSION" | sed -n 's/.*"Dir": *"\([^"]*\)".*/\1/p')"
[ -f "$DIR/config/gitleaks.toml" ] || { echo "refresh-gitleaks-rules: go mod download gitleaks@$VERSION failed" >&2; exit 1; }
python3 "$ROOT/scripts/gitleaks-rules.py" "$DIR" "$VERSION" "$DEST"
# Every converted regex must compile in JavaScript.
node -e '
  const src = require("fs").readFileSync(process.argv[1], "utf-8");
  const data = JSON.parse(src.slice(src.indexOf("export const GITLEAKS_DATA: GitleaksData = ") + 43).replace(/;\s*$/, ""));
  let bad = 0;
  for (const r of data.rules) { try { new RegExp(r.regex, "g"); } catch (e) { console.error(`${r.id}: ${e.message}`); bad++; } }
  if (bad) { process.exit(1); }
  console.error(`refresh-gitleaks-rules: ${data.rules.length} JavaScript regexes compile`);
' "$DEST"
echo "refresh-gitleaks-rules: wrote $DEST from gitleaks $VERSION" >&2
