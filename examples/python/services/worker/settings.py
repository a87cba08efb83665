"""The billing worker's settings. Before Keyward they came from a .env file (DATABASE_URL, STRIPE_API_KEY) and a JSON
credentials file on disk (GOOGLE_APPLICATION_CREDENTIALS). Now they come from either

- the environment ECS injects at task start (AWS: Keyward's `Workload.ecs_container` wires DB_* and
  REPORTING_CREDENTIALS_JSON from Secrets Manager), or
- Vault, after an AppRole login (see vault_source.py).

The worker never needs the Stripe key: it is not granted on either target.
"""
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping

# Environment variable -> JSON field of the database secret (the same fields on both targets).
DATABASE_FIELDS = {
    "DB_HOST": "host",
    "DB_PORT": "port",
    "DB_NAME": "dbname",
    "DB_USER": "username",
    "DB_PASSWORD": "password",
}
REPORTING_CREDENTIALS_VARIABLE = "REPORTING_CREDENTIALS_JSON"


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and never holds a value."""


@dataclass(frozen=True)
class WorkerSettings:
    database_url: str = field(repr=False)
    reporting_credentials: Dict[str, Any] = field(repr=False)

    @staticmethod
    def from_secrets(database: Mapping[str, Any], reporting_credentials: Mapping[str, Any]) -> "WorkerSettings":
        """From the two secrets' JSON documents (as Vault or Secrets Manager store them)."""
        missing = [f for f in DATABASE_FIELDS.values() if not database.get(f)]
        if missing:
            raise SettingsError(f"the database secret has no {', '.join(missing)}")
        if not isinstance(reporting_credentials, Mapping) or not reporting_credentials:
            raise SettingsError("the reporting credentials are not a JSON object")
        user = urllib.parse.quote(str(database["username"]), safe="")
        password = urllib.parse.quote(str(database["password"]), safe="")
        url = f"postgresql://{user}:{password}@{database['host']}:{database['port']}/{database['dbname']}"
        return WorkerSettings(database_url=url, reporting_credentials=dict(reporting_credentials))

    @staticmethod
    def from_environment(env: Mapping[str, str]) -> "WorkerSettings":
        """From the variables ECS injected (names only in .env.example for local runs)."""
        missing = [v for v in [*DATABASE_FIELDS, REPORTING_CREDENTIALS_VARIABLE] if not env.get(v)]
        if missing:
            raise SettingsError(f"missing environment variables: {', '.join(missing)}")
        try:
            reporting = json.loads(env[REPORTING_CREDENTIALS_VARIABLE])
        except json.JSONDecodeError:
            raise SettingsError(f"{REPORTING_CREDENTIALS_VARIABLE} is not valid JSON") from None
        return WorkerSettings.from_secrets({f: env[v] for v, f in DATABASE_FIELDS.items()}, reporting)
