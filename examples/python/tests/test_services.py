"""The service code: settings from the injected environment, and no value ever in an error or a repr."""
import json

import pytest

import handler as api
from settings import DATABASE_FIELDS, REPORTING_CREDENTIALS_VARIABLE, SettingsError, WorkerSettings

# Test data only.
PASSWORD = "p@ss:w/rd?#1"
CREDENTIALS = {"type": "service_account", "client_email": "reports@example.iam", "private_key": "-----BEGIN TEST-----"}


def injected_env() -> dict:
    fields = {"host": "db.internal", "port": "5432", "dbname": "billing", "username": "billing_app", "password": PASSWORD}
    env = {variable: fields[field] for variable, field in DATABASE_FIELDS.items()}
    env[REPORTING_CREDENTIALS_VARIABLE] = json.dumps(CREDENTIALS)
    return env


def test_settings_from_the_variables_ecs_injects():
    settings = WorkerSettings.from_environment(injected_env())
    assert settings.database_url == "postgresql://billing_app:p%40ss%3Aw%2Frd%3F%231@db.internal:5432/billing"
    assert settings.reporting_credentials == CREDENTIALS
    assert PASSWORD not in repr(settings) and "BEGIN TEST" not in repr(settings)


def test_missing_variables_are_named_and_values_are_not_echoed():
    env = injected_env()
    del env["DB_PASSWORD"]
    env[REPORTING_CREDENTIALS_VARIABLE] = "{not json " + PASSWORD
    with pytest.raises(SettingsError, match="missing environment variables: DB_PASSWORD$"):
        WorkerSettings.from_environment(env)
    env["DB_PASSWORD"] = PASSWORD
    with pytest.raises(SettingsError) as error:
        WorkerSettings.from_environment(env)
    assert str(error.value) == f"{REPORTING_CREDENTIALS_VARIABLE} is not valid JSON"


def test_the_api_handler_refuses_to_run_without_the_arn_variable():
    with pytest.raises(api.SecretUnavailable, match=f"{api.DATABASE_ARN_VARIABLE} is not set"):
        api.read_secret(api.DATABASE_ARN_VARIABLE, env={})


def test_the_vault_worker_names_what_its_scheduler_did_not_pass():
    import vault_source

    with pytest.raises(SettingsError, match="missing environment variables: VAULT_ROLE_ID, VAULT_SECRET_ID$"):
        vault_source.load_settings({"VAULT_ADDR": "http://127.0.0.1:8200"})
