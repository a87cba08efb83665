#!/usr/bin/env bash
# Synthesizes the examples: the AWS app (cdk.json) into cdk.out/ with aws-cdk-lib's built-in CloudFormation
# validation on, and the Vault app into cdktf.out/. Fails on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf cdk.out cdktf.out
npx cdk synth --quiet
if [ -f examples/vault-app.ts ]; then
  npx ts-node --transpile-only --prefer-ts-exts -P tsconfig.dev.json examples/vault-app.ts
fi
echo "synth: cdk.out/ $(ls cdk.out/*.template.json 2>/dev/null | wc -l) templates; cdktf.out/ $(ls -d cdktf.out/stacks/* 2>/dev/null | wc -l) stacks"
