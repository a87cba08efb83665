"""Keyward's synth-time errors reach Python with the construct path and the rule id."""
import pytest
from aws_cdk import App, Stack
import cdktf
from keyward.aws import Secret, SecretRotation
from keyward.vault import GitHubActionsWorkload, VaultStack


def test_a_rotation_decision_without_a_reason_names_the_secret_and_the_rule():
    stack = Stack(App(), "Billing")
    with pytest.raises(RuntimeError, match=r"Billing/StripeApiKey: .*\[keyward:rotation-reason\]"):
        Secret(stack, "StripeApiKey", rotation=SecretRotation.none("later"))


def test_a_github_actions_workload_bound_to_any_ref_names_the_workload_and_the_rule():
    stack = VaultStack(cdktf.Testing.app(), "billing-vault")
    with pytest.raises(RuntimeError, match=r"billing-vault/Deploy: .*\[keyward:github-ref\]"):
        GitHubActionsWorkload(stack, "Deploy", repository="acme/billing", git_ref="*")
