#!/usr/bin/env python3
"""The billing service on Vault, as a CDK for Terraform app: `python vault_app.py` (or `cdktf synth`, cdktf.json)
writes cdktf.out/stacks/billing-vault/cdk.tf.json. Synthesis fails on any plaintext secret (Keyward's TerraformGuard).

    cd cdktf.out/stacks/billing-vault && terraform init && terraform apply   # VAULT_ADDR, VAULT_TOKEN from the environment
"""
import os

from cdktf import App
from keyward.guard import TerraformGuard

from billing.vault_stack import build_vault_stack

app = App(outdir=os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
build_vault_stack(app)
TerraformGuard.apply_to(app)
app.synth()
