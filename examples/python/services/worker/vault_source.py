"""The billing worker's secrets from Vault (or OpenBao): AppRole login, then KV v2 reads of exactly the paths the
infrastructure granted the worker (billing/database and billing/reporting/credentials, in vault_stack.py).

The orchestrator hands the worker VAULT_ROLE_ID and a single-use VAULT_SECRET_ID (the AppRole's secret IDs are
single-use and short-lived); the token from the login expires after 15 minutes.
"""
from typing import Any, Dict, Mapping

import hvac
import hvac.exceptions

from settings import SettingsError, WorkerSettings

KV_MOUNT = "billing"
DATABASE_PATH = "database"
REPORTING_CREDENTIALS_PATH = "reporting/credentials"


def login(addr: str, role_id: str, secret_id: str) -> hvac.Client:
    """An hvac client holding the token of an AppRole login."""
    client = hvac.Client(url=addr)
    try:
        response = client.auth.approle.login(role_id=role_id, secret_id=secret_id)
    except hvac.exceptions.VaultError as error:
        # A used or expired secret ID lands here; the error names neither ID.
        raise SettingsError(f"AppRole login failed: {type(error).__name__}") from None
    # Not client.is_authenticated(): that calls auth/token/lookup-self, which Vault grants through its `default`
    # policy, and Keyward's roles issue tokens without it (token_no_default_policy).
    if not (response or {}).get("auth", {}).get("client_token"):
        raise SettingsError("the AppRole login returned no usable token")
    return client


def read(client: hvac.Client, path: str, mount: str = KV_MOUNT) -> Dict[str, Any]:
    """The latest version of a KV v2 secret; hvac raises hvac.exceptions.Forbidden for a path not granted."""
    response = client.secrets.kv.v2.read_secret_version(path=path, mount_point=mount, raise_on_deleted_version=True)
    return response["data"]["data"]


def load_settings(env: Mapping[str, str]) -> WorkerSettings:
    missing = [v for v in ("VAULT_ADDR", "VAULT_ROLE_ID", "VAULT_SECRET_ID") if not env.get(v)]
    if missing:
        raise SettingsError(f"missing environment variables: {', '.join(missing)}")
    client = login(env["VAULT_ADDR"], env["VAULT_ROLE_ID"], env["VAULT_SECRET_ID"])
    mount = env.get("VAULT_KV_MOUNT", KV_MOUNT)
    secrets = {}
    for path in (DATABASE_PATH, REPORTING_CREDENTIALS_PATH):
        try:
            secrets[path] = read(client, path, mount)
        except hvac.exceptions.VaultError as error:
            raise SettingsError(f"reading {mount}/{path} failed: {type(error).__name__}") from None
    return WorkerSettings.from_secrets(secrets[DATABASE_PATH], secrets[REPORTING_CREDENTIALS_PATH])
