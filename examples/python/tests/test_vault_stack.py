"""Assertions on the billing service's Vault stack (cdktf Testing), and its TerraformGuard."""
import json
import re

import pytest
import cdktf
from cdktf import TerraformVariable
from keyward.guard import TerraformGuard

import vault_source as worker
from billing import names
from billing.vault_stack import BillingVault, build_vault_stack


@pytest.fixture(scope="module")
def billing() -> BillingVault:
    return build_vault_stack(cdktf.Testing.app())


@pytest.fixture(scope="module")
def synthesized(billing) -> str:
    return cdktf.Testing.synth(billing.stack)


def policy(synthesized: str, policy_name: str):
    """(Terraform reference to the policy's name, its path -> capabilities) of the vault_policy named policy_name."""
    policies = [(k, p) for k, p in json.loads(synthesized)["resource"]["vault_policy"].items() if p["name"] == policy_name]
    assert len(policies) == 1, policy_name
    key, body = policies[0]
    paths = {path: sorted(json.loads(caps)) for path, caps in
             re.findall(r'path "([^"]+)" \{\s*capabilities = (\[[^\]]*\])', body["policy"])}
    return f"${{vault_policy.{key}.name}}", paths


def policy_paths(synthesized: str, policy_name: str) -> dict:
    return policy(synthesized, policy_name)[1]


def test_a_kv_v2_store_at_the_mount_the_worker_reads(synthesized):
    assert cdktf.Testing.to_have_resource_with_properties(synthesized, "vault_mount", {"path": worker.KV_MOUNT, "type": "kv-v2"})


def test_the_worker_policy_reads_exactly_its_two_paths(billing, synthesized):
    mount = worker.KV_MOUNT
    read = ["read"]
    assert policy_paths(synthesized, billing.worker.policy_name) == {
        f"{mount}/data/{worker.DATABASE_PATH}": read,
        f"{mount}/metadata/{worker.DATABASE_PATH}": read,
        f"{mount}/data/{worker.REPORTING_CREDENTIALS_PATH}": read,
        f"{mount}/metadata/{worker.REPORTING_CREDENTIALS_PATH}": read,
    }


def test_the_worker_logs_in_with_a_single_use_short_lived_secret_id(billing, synthesized):
    assert cdktf.Testing.to_have_resource_with_properties(synthesized, "vault_approle_auth_backend_role", {
        "role_name": names.VAULT_WORKER_ROLE,
        "secret_id_num_uses": 1,
        "secret_id_ttl": 600,
        "token_policies": [policy(synthesized, billing.worker.policy_name)[0]],
    })


def test_deploys_run_only_from_main_in_production_and_may_only_write_the_stripe_key(billing, synthesized):
    assert cdktf.Testing.to_have_resource_with_properties(synthesized, "vault_jwt_auth_backend_role", {
        "bound_claims": {"repository": names.GITHUB_REPOSITORY, "ref": "refs/heads/main", "environment": "production"},
        "token_policies": [policy(synthesized, billing.deploy.policy_name)[0]],
    })
    assert policy_paths(synthesized, billing.deploy.policy_name) == {
        f"{names.VAULT_KV_MOUNT}/data/{names.VAULT_STRIPE_PATH}": ["create", "update"],
    }


def test_no_value_is_in_the_configuration_and_the_guard_finds_nothing(billing, synthesized):
    assert '"vault_kv_secret_v2"' not in synthesized
    assert list(TerraformGuard.check(billing.stack)) == []


def test_the_guard_flags_a_secret_default_in_a_variable():
    billing = build_vault_stack(cdktf.Testing.app())
    # The old way: the .env value as a variable default (test data, not a real key).
    TerraformVariable(billing.stack, "stripe_api_key", type="string", default="sk_live_" + "51HqLyjWDarjtT1zdp7dc" + "XyZ0aBcD")
    findings = [(f.rule_id, f.construct_path) for f in TerraformGuard.check(billing.stack)]
    assert findings == [("keyward:plaintext-terraform-attribute", f"{names.VAULT_STACK}/stripe_api_key")]
