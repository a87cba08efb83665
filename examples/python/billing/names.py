"""What the billing service calls its secrets and variables: shared by the infrastructure, the services and the tests.

Before Keyward, the service read DATABASE_URL, STRIPE_API_KEY and GOOGLE_APPLICATION_CREDENTIALS (a path to a JSON
credentials file) from a .env file. Now each is a declared secret; only names and ARNs travel in configuration.
"""

# AWS (Secrets Manager).
DATABASE_SECRET_NAME = "billing/database"
STRIPE_SECRET_NAME = "billing/stripe-api-key"
REPORTING_SECRET_NAME = "billing/reporting-credentials"

# The API Lambda receives ARNs (Keyward sets these variables) and reads values through the Parameters and Secrets extension.
API_DATABASE_ARN_VARIABLE = "DATABASE_SECRET_ARN"
API_STRIPE_ARN_VARIABLE = "STRIPE_API_KEY_SECRET_ARN"

# The worker container receives values, injected by ECS at task start: one variable per database field...
WORKER_DATABASE_FIELDS = {
    "DB_HOST": "host",
    "DB_PORT": "port",
    "DB_NAME": "dbname",
    "DB_USER": "username",
    "DB_PASSWORD": "password",
}
# ...and the whole reporting credentials JSON document (it used to be a file on disk).
WORKER_REPORTING_VARIABLE = "REPORTING_CREDENTIALS_JSON"

# Stable workload names: the access tags on the secrets (keyward:access:<name>) survive refactoring.
API_WORKLOAD = "billing-api"
WORKER_WORKLOAD = "billing-worker"

# Vault (KV v2 mount "billing").
VAULT_STACK = "billing-vault"
VAULT_KV_MOUNT = "billing"
VAULT_DATABASE_PATH = "database"
VAULT_STRIPE_PATH = "stripe/api-key"
VAULT_REPORTING_PATH = "reporting/credentials"
# Keyward names a workload's role after its construct path, segments joined with "--" (billing-vault/Worker).
VAULT_WORKER_ROLE = "billing-vault--worker"
GITHUB_REPOSITORY = "acme/billing"
