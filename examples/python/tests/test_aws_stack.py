"""Fine-grained assertions on the billing service's AWS stack (aws_cdk.assertions). Expected values come from what
the app declares (billing.names) and from what the service code reads (handler.py, settings.py)."""
import json

import pytest
from aws_cdk import App, Validations
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks
from keyward.guard import AwsGuard

import handler as api
import settings as worker
from billing import names
from billing.aws_stack import BillingSecretsStack, build_app

SECRET = "AWS::SecretsManager::Secret"


@pytest.fixture(scope="module")
def stack() -> BillingSecretsStack:
    app = build_app()
    return app.node.find_child("KeywardPython-Billing")


@pytest.fixture(scope="module")
def template(stack) -> Template:
    return Template.from_stack(stack)


def access_tags(template: Template, secret_name: str) -> dict:
    secrets = template.find_resources(SECRET, {"Properties": {"Name": secret_name}})
    assert len(secrets) == 1, secret_name
    tags = next(iter(secrets.values()))["Properties"]["Tags"]
    return {t["Key"]: t["Value"] for t in tags if t["Key"].startswith("keyward:access:")}


def test_each_secret_is_encrypted_with_the_keyward_key(stack, template):
    key_arn = stack.resolve(stack.key.key_arn)
    for name in (names.DATABASE_SECRET_NAME, names.STRIPE_SECRET_NAME, names.REPORTING_SECRET_NAME):
        template.has_resource_properties(SECRET, {"Name": name, "KmsKeyId": key_arn})
    template.resource_count_is(SECRET, 3)
    # No value is ever in the template: the database password is generated, the two others are set out of band.
    template.has_resource_properties(SECRET, {
        "Name": names.DATABASE_SECRET_NAME,
        "GenerateSecretString": Match.object_like({"GenerateStringKey": "password"}),
        "SecretString": Match.absent(),
    })
    template.has_resource_properties(SECRET, {
        "Name": names.STRIPE_SECRET_NAME,
        "SecretString": Match.absent(),
        "Tags": Match.array_with([{"Key": "keyward:value-source", "Value": "out-of-band"}]),
    })


def test_the_api_function_gets_the_arns_the_handler_reads_and_the_extension(stack, template):
    template.has_resource_properties("AWS::Lambda::Function", {
        "Handler": "handler.handler",
        "Environment": {"Variables": Match.object_like({
            api.DATABASE_ARN_VARIABLE: stack.resolve(stack.database.secret_arn),
            api.STRIPE_ARN_VARIABLE: stack.resolve(stack.stripe_api_key.secret_arn),
            "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": "2773",
        })},
        "Layers": Match.array_with([Match.string_like_regexp(":layer:AWS-Parameters-and-Secrets-Lambda-Extension:")]),
    })


def test_the_worker_container_gets_exactly_the_variables_its_settings_read(stack, template):
    task = template.find_resources("AWS::ECS::TaskDefinition")
    assert len(task) == 1
    container = next(iter(task.values()))["Properties"]["ContainerDefinitions"][0]
    injected = {s["Name"]: s["ValueFrom"] for s in container["Secrets"]}
    assert set(injected) == set(worker.DATABASE_FIELDS) | {worker.REPORTING_CREDENTIALS_VARIABLE}
    database_ref = stack.resolve(stack.database.secret_arn)
    for variable, field in worker.DATABASE_FIELDS.items():
        assert injected[variable] == {"Fn::Join": ["", [database_ref, f":{field}::"]]}
    assert injected[worker.REPORTING_CREDENTIALS_VARIABLE] == stack.resolve(stack.reporting_credentials.secret_arn)
    # Values are injected by ECS at start, never written into the task definition.
    assert "Environment" not in container


def read_statement(template: Template, workload: str) -> dict:
    policies = template.find_resources("AWS::IAM::ManagedPolicy", {"Properties": {"Description": f"Keyward grants of workload {workload}"}})
    assert len(policies) == 1, workload
    statements = next(iter(policies.values()))["Properties"]["PolicyDocument"]["Statement"]
    return next(s for s in statements if s.get("Sid") == "KeywardRead")


def test_each_workload_may_read_only_the_secrets_it_declares(template):
    # Exact grants (the default): the read statement names each declared secret by its name pattern, and no other.
    declared = {
        names.API_WORKLOAD: {names.DATABASE_SECRET_NAME, names.STRIPE_SECRET_NAME},
        names.WORKER_WORKLOAD: {names.DATABASE_SECRET_NAME, names.REPORTING_SECRET_NAME},
    }
    every = {names.DATABASE_SECRET_NAME, names.STRIPE_SECRET_NAME, names.REPORTING_SECRET_NAME}
    for workload, secrets in declared.items():
        statement = read_statement(template, workload)
        assert statement["Action"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        assert "Condition" not in statement
        text = json.dumps(statement["Resource"])
        for name in every:
            assert (f":secret:{name}-??????" in text) == (name in secrets), (workload, name)
    # No access tags: nothing in the policies reads tags.
    for name in every:
        assert access_tags(template, name) == {}


def test_the_app_synthesizes_with_the_guards_on(tmp_path):
    app = build_app(App(outdir=str(tmp_path)))
    guard = AwsGuard()
    Validations.of(app).add_plugins(guard, AwsSolutionsChecks(app))
    app.synth()
    assert guard.findings == []


def test_the_guard_fails_synth_on_a_plaintext_stripe_key_in_the_api_environment(tmp_path):
    app = build_app(App(outdir=str(tmp_path)))
    stack = app.node.find_child("KeywardPython-Billing")
    # The old way: the value from .env copied into the function's configuration (test data, not a real key).
    stack.api.add_environment("STRIPE_API_KEY", "sk_live_" + "51HqLyjWDarjtT1zdp7dc" + "XyZ0aBcD")
    guard = AwsGuard()
    Validations.of(app).add_plugins(guard)
    with pytest.raises(RuntimeError) as error:
        app.synth()
    message = str(error.value)
    assert "Lambda environment variable holds a plaintext secret at Properties.Environment.Variables.STRIPE_API_KEY" in message
    assert "KeywardPython-Billing/Api/Resource" in message and "keyward:plaintext-lambda-environment" in message
    assert "51HqLyjWDarjtT1zdp7dc" not in message
    assert [(f.rule_id, f.construct_path) for f in guard.findings] == [
        ("keyward:plaintext-lambda-environment", "KeywardPython-Billing/Api/Resource"),
    ]
