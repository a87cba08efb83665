"""The billing worker's entry point (the container's CMD on ECS; a process under the scheduler on Vault).

On AWS, ECS injects the values at task start; with VAULT_ADDR set, the worker logs in with its AppRole and reads Vault.
"""
import logging
import os
import sys

from settings import SettingsError, WorkerSettings

log = logging.getLogger("billing.worker")


def load_settings() -> WorkerSettings:
    if os.environ.get("VAULT_ADDR"):
        import vault_source  # hvac is only needed on Vault

        return vault_source.load_settings(os.environ)
    return WorkerSettings.from_environment(os.environ)


def run(settings: WorkerSettings) -> None:
    # The real worker would settle invoices with settings.database_url and upload reports with
    # settings.reporting_credentials here. Only non-secret facts are logged.
    log.info("settings loaded: database and reporting credentials (%d fields)", len(settings.reporting_credentials))


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    try:
        settings = load_settings()
    except SettingsError as error:
        log.error("%s", error)
        return 2
    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
