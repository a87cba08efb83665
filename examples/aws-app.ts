// The orders service: the AWS example Keyward ships (cdk.json runs this file).
//
//   - database credentials, generated and rotated by a Secrets Manager hosted rotation function in the VPC,
//     replicated to a second region under that region's key;
//   - a third-party API key kept in a SOPS-encrypted dotenv file (examples/secrets/), written at deploy, not rotated;
//   - a Lambda function and an ECS Fargate service reading them through Keyward's workload wiring;
//   - a read-only auditor role in a second account.
//
// Each piece is a small function so it reads on its own in the README.
import * as path from 'path';
import { App, CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { Construct } from 'constructs';
import { Secret, SecretContent, SecretRotation, SecretsKey, Workload } from '../lib/aws';
import { AwsGuard } from '../lib/guard';

/** Where the example deploys. Override with `-c account=... -c auditorAccount=...` etc. */
export interface OrdersEnvironment {
  readonly account: string;
  readonly region: string;
  /** The second region the database credentials are replicated to. */
  readonly replicaRegion: string;
  /** The key that encrypts the replica, created in the replica region by the platform team. */
  readonly replicaKeyArn: string;
  /** The role in the audit account that may read the database credentials. */
  readonly auditorRoleArn: string;
}

export const DEFAULT_ENVIRONMENT: OrdersEnvironment = {
  account: '111111111111',
  region: 'eu-west-1',
  replicaRegion: 'eu-central-1',
  replicaKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  auditorRoleArn: 'arn:aws:iam::222222222222:role/orders-secrets-auditor',
};

export interface OrdersSecretsStackProps extends StackProps {
  readonly orders: OrdersEnvironment;
}

/** The secrets of the orders service and the workloads that read them. */
export class OrdersSecretsStack extends Stack {
  public readonly key: SecretsKey;
  public readonly databaseCredentials: Secret;
  public readonly paymentApiKey: Secret;

  constructor(scope: Construct, id: string, props: OrdersSecretsStackProps) {
    super(scope, id, { ...props, env: { account: props.orders.account, region: props.orders.region } });
    const network = new Network(this, 'Network');

    // 1. One customer-managed key for the service's secrets.
    this.key = new SecretsKey(this, 'SecretsKey', {
      alias: 'alias/orders/secrets',
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${props.orders.account}:role/platform-key-administrators`)],
    });

    // 2. Database credentials: fixed connection fields + a generated password, rotated in the VPC, replicated.
    this.databaseCredentials = new Secret(this, 'DatabaseCredentials', {
      secretName: 'orders/database',
      description: 'Credentials of the orders PostgreSQL database',
      encryptionKey: this.key,
      content: SecretContent.generatedJson(
        { engine: 'postgres', host: 'orders-db.internal.example.com', port: '5432', username: 'orders_app', dbname: 'orders' },
        'password',
        { length: 32, excludeCharacters: '"@/\\\'' },
      ),
      rotation: SecretRotation.hosted(
        secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc: network.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
        { automaticallyAfter: Duration.days(30) },
      ),
      replicas: [{
        region: props.orders.replicaRegion,
        encryptionKey: SecretsKey.fromKeyArn(this, 'ReplicaKey', props.orders.replicaKeyArn),
      }],
    });

    // 3. A third party's API key, kept in a SOPS-encrypted dotenv file (docs/sops.md): decrypted at deploy time with the
    //    file's KMS key and written to the secret; the provider has no rotation API.
    this.paymentApiKey = new Secret(this, 'PaymentProviderApiKey', {
      secretName: 'orders/payment-provider/api-key',
      encryptionKey: this.key,
      content: SecretContent.fromSopsFile(path.relative(process.cwd(), path.join(__dirname, 'secrets', 'payment-provider.enc.env')),
        { field: 'PAYMENT_PROVIDER_API_KEY' }),
      rotation: SecretRotation.none('the provider issues API keys by hand in its dashboard and has no API to rotate them; reissued yearly by the payments team'),
    });

    // 4. The workloads.
    const api = new OrdersApiFunction(this, 'OrdersApi', { network });
    Workload.lambdaFunction(api.function, this.databaseCredentials, { environmentVariable: 'DATABASE_SECRET_ARN' });
    Workload.lambdaFunction(api.function, this.paymentApiKey, { environmentVariable: 'PAYMENT_API_KEY_SECRET_ARN' });

    const worker = new OrdersWorkerService(this, 'OrdersWorker', { network });
    Workload.ecsContainer(worker.container, this.databaseCredentials, {
      fields: { DB_HOST: 'host', DB_PORT: 'port', DB_NAME: 'dbname', DB_USER: 'username', DB_PASSWORD: 'password' },
    });

    // 5. The auditor role in the audit account reads the database credentials (resource + key policy statements here).
    this.databaseCredentials.grantRead(iam.Role.fromRoleArn(this, 'Auditor', props.orders.auditorRoleArn));

    // Exact grants (the default): each workload policy names these two secrets, so cdk-nag has no wildcard to report
    // and nothing is acknowledged here.

    new CfnOutput(this, 'DatabaseCredentialsArn', { value: this.databaseCredentials.secretArn });
    new CfnOutput(this, 'SecretsKeyArn', { value: this.key.keyArn });
  }
}

/** A VPC with private subnets and encrypted flow logs. */
export class Network extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Encrypts the service's CloudWatch log groups (not the secrets). */
  public readonly logsKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.logsKey = new kms.Key(this, 'LogsKey', { enableKeyRotation: true, description: 'Orders log groups' });
    const stack = Stack.of(this);
    this.logsKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const flowLog = this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup('FlowLogs')),
    });
    Validations.of(this.vpc).acknowledge(
      {
        id: 'NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled',
        reason: 'The public subnets hold only the NAT gateway; every workload and the rotation function run in private subnets without public IPs.',
      },
      {
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Only the public subnets (NAT gateway) route to the internet gateway; private subnets egress through NAT to reach AWS APIs and the image registry.',
      },
      {
        id: 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed',
        reason: 'Nothing uses the default security group: the function, the service and the rotation function each get a dedicated group.',
      },
    );
    Validations.of(flowLog).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'aws-cdk-lib\'s flow-log delivery role policy: write access to the one flow-log group only.',
    });
  }

  /** A log group encrypted with the logs key, kept for a year. */
  public logGroup(id: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      encryptionKey: this.logsKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** The orders API: a Lambda function in the VPC. */
export class OrdersApiFunction extends Construct {
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: { network: Network }) {
    super(scope, id);
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      // Reads the secret through the Parameters and Secrets extension on localhost:2773; never logs it.
      code: lambda.Code.fromInline([
        'exports.handler = async () => {',
        '  const url = `http://localhost:2773/secretsmanager/get?secretId=${encodeURIComponent(process.env.DATABASE_SECRET_ARN)}`;',
        '  const res = await fetch(url, { headers: { "X-Aws-Parameters-Secrets-Token": process.env.AWS_SESSION_TOKEN } });',
        '  return { statusCode: res.ok ? 200 : 500 };',
        '};',
      ].join('\n')),
      vpc: props.network.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      reservedConcurrentExecutions: 10,
      timeout: Duration.seconds(10),
      logGroup: props.network.logGroup('OrdersApiLogs'),
    });
    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-maintained policy that only lets the function write its own CloudWatch logs; secret access is in the Keyward workload policy.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'AWS-maintained policy that only lets Lambda manage the network interfaces of a VPC function.',
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason: 'The API is invoked synchronously and returns errors to its caller; a dead-letter queue only applies to asynchronous invocations.',
      },
    );
  }
}

/** The orders worker: an ECS Fargate service in the VPC. */
export class OrdersWorkerService extends Construct {
  public readonly container: ecs.ContainerDefinition;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: { network: Network }) {
    super(scope, id);
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', { cpu: 256, memoryLimitMiB: 512 });
    this.container = taskDefinition.addContainer('worker', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      command: ['sh', '-c', 'while true; do sleep 3600; done'],
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'worker', logGroup: props.network.logGroup('OrdersWorkerLogs') }),
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'aws-cdk-lib\'s task execution role policy: write access to the worker\'s one log group only; secret access is in the Keyward workload policy.',
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
  }
}

/** Build the example app. */
export function buildApp(app: App = new App()): App {
  const orders: OrdersEnvironment = {
    account: app.node.tryGetContext('account') ?? DEFAULT_ENVIRONMENT.account,
    region: app.node.tryGetContext('region') ?? DEFAULT_ENVIRONMENT.region,
    replicaRegion: app.node.tryGetContext('replicaRegion') ?? DEFAULT_ENVIRONMENT.replicaRegion,
    replicaKeyArn: app.node.tryGetContext('replicaKeyArn') ?? DEFAULT_ENVIRONMENT.replicaKeyArn,
    auditorRoleArn: app.node.tryGetContext('auditorRoleArn') ?? DEFAULT_ENVIRONMENT.auditorRoleArn,
  };
  // What `cdk.context.json` would hold after a lookup, so the example synthesizes without AWS credentials.
  const azKey = `availability-zones:account=${orders.account}:region=${orders.region}`;
  if (app.node.tryGetContext(azKey) === undefined) {
    app.node.setContext(azKey, ['a', 'b', 'c'].map(z => `${orders.region}${z}`));
  }
  new OrdersSecretsStack(app, 'KeywardExample-Orders', { orders });
  return app;
}

if (require.main === module) {
  const app = buildApp();
  // Synthesis fails on a plaintext value or unretained secret material anywhere in the app (Keyward's guard), and on
  // any cdk-nag finding that is not acknowledged with a reason.
  Validations.of(app).addPlugins(new AwsGuard(), new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  app.synth();
}
