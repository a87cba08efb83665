#!/usr/bin/env bash
# Installs the packed tarball the way a user would, into fresh folders that each hold only ONE target's peers, and
# synthesizes a small app in each (test/consumer/): the app asserts on what it synthesized and that the other target
# was neither installed nor loaded. Needs a built lib/ (npm run build). Reuses the npm cache (--prefer-offline).
#
#   aws-only      aws-cdk-lib and constructs at the peer floors (2.275.0, 10.6.0); a TypeScript app run by ts-node with
#                 type-checking on TypeScript 6, with the tsconfig the README gives
#   vault-cdktf   cdktf 0.21.0 and @cdktf/provider-vault 15.6.1 (the floors); an ES module app (deep imports)
#   vault-cdktn   CDK Terrain: cdktn 0.24 installed under the name cdktf (npm alias), constructs in cdktn's own range,
#                 @cdktf/provider-vault 15.6.1 with its cdktf peer overridden to that alias (@cdktn/provider-vault is not
#                 on npm); a CommonJS app
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APPS="$ROOT/test/consumer"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log() { echo "consumer-install: $*" >&2; }

[ -f "$ROOT/lib/index.js" ] && [ -f "$ROOT/.jsii" ] || { log "ERROR: build first (npm run build)"; exit 1; }
TARBALL="$WORK/$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" | tail -1)"
log "packed $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KB)"

# consumer NAME PACKAGE_JSON_DEPENDENCIES [OVERRIDES]: a fresh folder with only these dependencies, installed.
consumer() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  node -e '
    const [file, deps, overrides] = process.argv.slice(1);
    const pkg = { name: "consumer", private: true, dependencies: JSON.parse(deps), ...(overrides ? { overrides: JSON.parse(overrides) } : {}) };
    require("fs").writeFileSync(file, JSON.stringify(pkg, null, 2));
  ' "$dir/package.json" "$2" "${3:-}"
  (cd "$dir" && npm install --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null) || { log "ERROR: npm install failed in $1"; exit 1; }
  # The other target must not have come along (as a dependency of Keyward or of anything else).
  for absent in "${@:4}"; do
    [ ! -e "$dir/node_modules/$absent" ] || { log "ERROR: $1 has $absent installed"; exit 1; }
  done
  echo "$dir"
}

# cli NAME DIR OUTPUT: the keyward command line in a one-target install (it must not need the other target's peers):
# --help, and scan and report of what the app synthesized (a clean output: both exit 0).
cli() {
  local name="$1" dir="$2" output="$3"
  (cd "$dir" && npx --no-install keyward --help >/dev/null) || { log "ERROR: keyward --help failed in $name"; exit 1; }
  (cd "$dir" && npx --no-install keyward scan "$output" >/dev/null) || { log "ERROR: keyward scan $output failed in $name"; exit 1; }
  (cd "$dir" && npx --no-install keyward report "$output" >/dev/null) || { log "ERROR: keyward report $output failed in $name"; exit 1; }
  echo "$name: keyward --help, scan and report run with this target's peers only"
}

start=$SECONDS
dir=$(consumer aws-only "{\"keyward\":\"file:$TARBALL\",\"aws-cdk-lib\":\"2.275.0\",\"constructs\":\"10.6.0\",\"typescript\":\"~6.0.3\",\"ts-node\":\"10.9.2\",\"@types/node\":\"^20.19.0\"}" "" cdktf @cdktf)
cp "$APPS/aws-app.ts" "$APPS/tsconfig.json" "$dir/"
(cd "$dir" && CDK_OUTDIR=cdk.out npx --no-install ts-node aws-app.ts)
cli aws-only "$dir" cdk.out
(cd "$dir" && node -e 'const k = require("keyward"); if (typeof k.aws.Secret !== "function" || typeof require("keyward/guard").AwsGuard !== "function") process.exit(1)')

dir=$(consumer vault-cdktf "{\"keyward\":\"file:$TARBALL\",\"cdktf\":\"0.21.0\",\"@cdktf/provider-vault\":\"15.6.1\",\"constructs\":\"10.6.0\"}" "" aws-cdk-lib)
cp "$APPS/vault-cdktf.mjs" "$dir/"
(cd "$dir" && node vault-cdktf.mjs)
cli vault-cdktf "$dir" "$(cd "$dir" && ls -d cdktf.out-* | head -1)"

dir=$(consumer vault-cdktn "{\"keyward\":\"file:$TARBALL\",\"cdktf\":\"npm:cdktn@0.24.0\",\"constructs\":\">=10.6.0 <10.8.0\",\"@cdktf/provider-vault\":\"15.6.1\"}" \
  '{"@cdktf/provider-vault":{"cdktf":"$cdktf"}}' aws-cdk-lib)
cp "$APPS/vault-cdktn.js" "$dir/"
(cd "$dir" && node vault-cdktn.js)

log "3 consumer installs synthesized in $((SECONDS - start)) s"
