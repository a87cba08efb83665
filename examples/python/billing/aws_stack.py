"""The billing service on AWS: three secrets under one Keyward key, read by a Lambda web API and an ECS worker."""
from pathlib import Path
from typing import Optional

from aws_cdk import Acknowledgment, App, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from keyward.aws import Secret, SecretContent, SecretRotation, SecretsKey, Workload

from . import names

SERVICES = Path(__file__).resolve().parent.parent / "services"
ACCOUNT = "111111111111"
REGION = "eu-west-1"


class BillingSecretsStack(Stack):
    """The secrets of the billing service and the two workloads that read them."""

    def __init__(self, scope: Construct, construct_id: str, *, account: str = ACCOUNT, region: str = REGION) -> None:
        super().__init__(scope, construct_id, env={"account": account, "region": region})
        vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=1)
        vpc.add_flow_log("FlowLog")
        private = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)

        # One customer-managed key for the service's secrets (was: nothing; .env files sat on laptops and in images).
        self.key = SecretsKey(
            self,
            "SecretsKey",
            alias="alias/billing/secrets",
            administrators=[iam.ArnPrincipal(f"arn:aws:iam::{account}:role/platform-key-administrators")],
        )

        # DATABASE_URL -> connection fields in clear, a generated password, rotated in the VPC.
        self.database = Secret(
            self,
            "Database",
            secret_name=names.DATABASE_SECRET_NAME,
            description="PostgreSQL credentials of the billing service",
            encryption_key=self.key,
            content=SecretContent.generated_json(
                {"engine": "postgres", "host": "billing-db.internal.example.com", "port": "5432",
                 "username": "billing_app", "dbname": "billing"},
                "password",
                length=32,
                exclude_characters="\"@/\\'",
            ),
            rotation=SecretRotation.hosted(
                secretsmanager.HostedRotation.postgre_sql_single_user(vpc=vpc, vpc_subnets=private),
                automatically_after=Duration.days(30),
            ),
        )

        # STRIPE_API_KEY -> declared only: an operator pastes the key from the Stripe dashboard.
        self.stripe_api_key = Secret(
            self,
            "StripeApiKey",
            secret_name=names.STRIPE_SECRET_NAME,
            encryption_key=self.key,
            content=SecretContent.declared_only(
                "the billing on-call engineer sets it with `aws secretsmanager put-secret-value` from the Stripe dashboard"
            ),
            rotation=SecretRotation.none(
                "Stripe restricted keys are rolled by hand in the Stripe dashboard; the billing team rolls this one yearly"
            ),
        )

        # GOOGLE_APPLICATION_CREDENTIALS (a JSON file on disk) -> the JSON document itself, declared only.
        self.reporting_credentials = Secret(
            self,
            "ReportingCredentials",
            secret_name=names.REPORTING_SECRET_NAME,
            description="Service-account key (JSON) the worker uploads reports to the data warehouse with",
            encryption_key=self.key,
            content=SecretContent.declared_only(
                "the data platform team pastes the service-account key JSON with `aws secretsmanager put-secret-value`"
            ),
            rotation=SecretRotation.none(
                "the warehouse issues service-account keys only in its console; the data platform team replaces this one every 90 days"
            ),
        )

        logs_key = self._logs_key()

        # The web API: a Python Lambda that receives ARNs and reads values through the Parameters and Secrets extension.
        self.api = lambda_.Function(
            self,
            "Api",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="handler.handler",
            code=lambda_.Code.from_asset(str(SERVICES / "api")),
            vpc=vpc,
            vpc_subnets=private,
            timeout=Duration.seconds(10),
            reserved_concurrent_executions=20,
            log_group=self._log_group("ApiLogs", logs_key),
        )
        Workload.lambda_function(self.api, self.database, environment_variable=names.API_DATABASE_ARN_VARIABLE,
                                 workload_name=names.API_WORKLOAD)
        Workload.lambda_function(self.api, self.stripe_api_key, environment_variable=names.API_STRIPE_ARN_VARIABLE)
        Validations.of(self.api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                reason="AWS-maintained policy that only lets the function write its own CloudWatch logs; "
                "secret access is in the Keyward workload policy.",
            ),
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]",
                reason="AWS-maintained policy that only lets Lambda manage the network interfaces of a VPC function.",
            ),
        )

        # The worker: an ECS Fargate task whose values ECS injects at start (one variable per database field).
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
        task = ecs.FargateTaskDefinition(self, "WorkerTask", cpu=256, memory_limit_mib=512)
        self.worker = task.add_container(
            "worker",
            image=ecs.ContainerImage.from_asset(str(SERVICES / "worker")),
            logging=ecs.LogDrivers.aws_logs(stream_prefix="worker", log_group=self._log_group("WorkerLogs", logs_key)),
        )
        Workload.ecs_container(self.worker, self.database, fields=names.WORKER_DATABASE_FIELDS,
                               workload_name=names.WORKER_WORKLOAD)
        Workload.ecs_container(self.worker, self.reporting_credentials,
                               environment_variable=names.WORKER_REPORTING_VARIABLE)
        Validations.of(task).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="ecr:GetAuthorizationToken, which pulls the worker image, has no resource type: IAM only accepts "
                "Resource \"*\"; it reads no secret.",
            )
        )
        self.worker_service = ecs.FargateService(
            self,
            "Worker",
            cluster=cluster,
            task_definition=task,
            desired_count=1,
            min_healthy_percent=100,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            vpc_subnets=private,
        )

    def _logs_key(self) -> kms.Key:
        """Encrypts the service's CloudWatch log groups (not the secrets)."""
        key = kms.Key(self, "LogsKey", enable_key_rotation=True, description="Billing log groups")
        key.grant_encrypt_decrypt(iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com"))
        return key

    def _log_group(self, construct_id: str, key: kms.Key) -> logs.LogGroup:
        return logs.LogGroup(self, construct_id, encryption_key=key, retention=logs.RetentionDays.ONE_YEAR,
                             removal_policy=RemovalPolicy.RETAIN)


def build_app(app: Optional[App] = None) -> App:
    """The billing app without its synth-time checks (tests add what they need)."""
    app = app or App()
    # What cdk.context.json would hold after a lookup, so the example synthesizes without AWS credentials.
    az_key = f"availability-zones:account={ACCOUNT}:region={REGION}"
    if app.node.try_get_context(az_key) is None:
        app.node.set_context(az_key, [f"{REGION}a", f"{REGION}b", f"{REGION}c"])
    BillingSecretsStack(app, "KeywardPython-Billing")
    return app
