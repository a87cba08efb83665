"""The billing service on Vault: a KV v2 store with the same three secrets, the worker's AppRole and the deploy job
(GitHub Actions on main, in the production environment) that rolls the Stripe key."""
from dataclasses import dataclass
from typing import Optional

from constructs import Construct
from keyward.vault import (
    AppRoleAuthBackend,
    AppRoleWorkload,
    GitHubActionsWorkload,
    JwtAuthBackend,
    KvStore,
    SecretPath,
    VaultStack,
)

from . import names


@dataclass(frozen=True)
class BillingVault:
    stack: VaultStack
    store: KvStore
    database: SecretPath
    stripe_api_key: SecretPath
    reporting_credentials: SecretPath
    worker: AppRoleWorkload
    deploy: GitHubActionsWorkload


def build_vault_stack(scope: Construct, *, allow_destroy: Optional[bool] = None) -> BillingVault:
    stack = VaultStack(scope, names.VAULT_STACK)
    store = KvStore(stack, "Secrets", path=names.VAULT_KV_MOUNT, max_versions=5, allow_destroy=allow_destroy)

    # Declared only: the values are written out of band (`bao kv put billing/database ...`), never by Terraform.
    database = SecretPath(stack, "Database", store=store, name=names.VAULT_DATABASE_PATH, owner="team-billing",
                          description="PostgreSQL credentials of the billing service", rotation_period_days=30,
                          allow_destroy=allow_destroy)
    stripe_api_key = SecretPath(stack, "StripeApiKey", store=store, name=names.VAULT_STRIPE_PATH, owner="team-billing",
                                description="Stripe API key, rolled by the deploy pipeline", rotation_period_days=365,
                                allow_destroy=allow_destroy)
    reporting = SecretPath(stack, "ReportingCredentials", store=store, name=names.VAULT_REPORTING_PATH,
                           owner="team-data-platform", description="Data warehouse service-account key (JSON)",
                           rotation_period_days=90, allow_destroy=allow_destroy)

    jwt = JwtAuthBackend(stack, "GitHubActions", allow_destroy=allow_destroy)
    AppRoleAuthBackend(stack, "AppRole", allow_destroy=allow_destroy)

    # The worker logs in with a single-use secret ID that lives 10 minutes, and reads only what it uses.
    worker = AppRoleWorkload(stack, "Worker", secret_id_ttl_seconds=600)
    database.grant_read(worker)
    reporting.grant_read(worker)

    # Deploys: only the main branch, only in the production environment, may roll the Stripe key.
    deploy = GitHubActionsWorkload(stack, "Deploy", backend=jwt, repository=names.GITHUB_REPOSITORY,
                                   git_ref="refs/heads/main", environment="production")
    stripe_api_key.grant_write(deploy)

    return BillingVault(stack, store, database, stripe_api_key, reporting, worker, deploy)
