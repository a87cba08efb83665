"""The billing web API (AWS Lambda). Before Keyward it read DATABASE_URL and STRIPE_API_KEY from a .env file.

Now the function's environment holds only the secrets' ARNs (DATABASE_SECRET_ARN, STRIPE_API_KEY_SECRET_ARN, set by
Keyward's `Workload.lambda_function`), and the values come from the AWS Parameters and Secrets Lambda Extension on
localhost, which caches them. Values are never logged and never returned.
"""
import json
import os
import urllib.parse
import urllib.request
from typing import Any, Dict, Mapping, Optional

DATABASE_ARN_VARIABLE = "DATABASE_SECRET_ARN"
STRIPE_ARN_VARIABLE = "STRIPE_API_KEY_SECRET_ARN"


class SecretUnavailable(RuntimeError):
    """The extension could not return a secret; the message names the variable, never a value."""


def read_secret(arn_variable: str, env: Optional[Mapping[str, str]] = None, timeout: float = 3.0) -> str:
    """The SecretString of the secret whose ARN is in `arn_variable`, through the extension's HTTP endpoint."""
    env = os.environ if env is None else env
    arn = env.get(arn_variable)
    if not arn:
        raise SecretUnavailable(f"{arn_variable} is not set: wire the secret with Workload.lambda_function")
    port = env.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773")
    url = f"http://localhost:{port}/secretsmanager/get?secretId={urllib.parse.quote(arn, safe='')}"
    # The extension only answers requests that carry the function's session token.
    request = urllib.request.Request(url, headers={"X-Aws-Parameters-Secrets-Token": env.get("AWS_SESSION_TOKEN", "")})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)["SecretString"]
    except Exception as error:  # noqa: BLE001 - re-raised without the response body, which could hold the value
        raise SecretUnavailable(f"reading the secret in {arn_variable} failed: {type(error).__name__}") from None


def database_url(credentials: Dict[str, str]) -> str:
    """DATABASE_URL as the service used to read it, built from the secret's JSON fields."""
    user = urllib.parse.quote(credentials["username"], safe="")
    password = urllib.parse.quote(credentials["password"], safe="")
    return (f"postgresql://{user}:{password}@{credentials['host']}:{credentials['port']}/{credentials['dbname']}")


def handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
    db_url = database_url(json.loads(read_secret(DATABASE_ARN_VARIABLE)))
    stripe_api_key = read_secret(STRIPE_ARN_VARIABLE)
    # The real API would open its connection pool with db_url and call Stripe with stripe_api_key here.
    ready = bool(db_url) and bool(stripe_api_key)
    return {"statusCode": 200 if ready else 503, "body": json.dumps({"ready": ready})}
