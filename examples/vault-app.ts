/**
 * The payments service on Vault: the same service as the AWS example, declared once with Keyward and synthesized to
 * Terraform JSON (cdktf.out/stacks/payments-vault/cdk.tf.json).
 *
 *   npx ts-node --transpile-only -P tsconfig.dev.json examples/vault-app.ts
 *   terraform -chdir=cdktf.out/stacks/payments-vault init
 *   export TF_VAR_db_credentials='{username="payments",password="<from your password manager>"}'
 *   sops exec-env examples/secrets/payment-provider.enc.env \
 *     'TF_VAR_payment_provider_PAYMENT_PROVIDER_API_KEY="$PAYMENT_PROVIDER_API_KEY" terraform -chdir=cdktf.out/stacks/payments-vault apply'
 *
 * (synthesis prints that last command: SopsFileVariables.execCommandFor generates it; see docs/sops.md)
 *
 * The provider reads VAULT_ADDR and VAULT_TOKEN from the environment. Secret values only ever travel in sensitive
 * variables (TF_VAR_db_credentials) into write-only attributes, or are written out of band (`bao kv put`).
 */
import * as path from 'path';
import { App, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  AppRoleAuthBackend,
  AppRoleWorkload,
  GitHubActionsWorkload,
  JwtAuthBackend,
  JwtAuthBackendProps,
  KubernetesAuthBackend,
  KubernetesAuthBackendProps,
  KvStore,
  KubernetesWorkload,
  SecretPath,
  SopsFileVariables,
  TransitEngine,
  TransitKey,
  VaultStack,
} from '../lib/vault';
import { TerraformGuard } from '../lib/guard';

/** Knobs for the example; the defaults are the real app. Tests point the auth backends at local test issuers. */
export interface VaultAppOptions {
  /** Stack name (and the folder under cdktf.out/stacks/). Default "payments-vault". */
  readonly stackName?: string;
  /** JWT backend settings, e.g. `{ jwtValidationPubkeys: [pem], boundIssuer: 'https://test' }`. Default: GitHub Actions. */
  readonly jwt?: JwtAuthBackendProps;
  /** Kubernetes backend settings, e.g. `{ kubernetesHost: 'https://127.0.0.1:6443' }`. Default: configured out of band. */
  readonly kubernetes?: KubernetesAuthBackendProps;
  /** GitHub repository allowed to deploy. Default "acme/payments". */
  readonly githubRepository?: string;
  /** Let `terraform destroy` remove everything (throwaway test servers only). Default false. */
  readonly allowDestroy?: boolean;
}

/** Everything the example declares, for tests. */
export interface VaultApp {
  readonly stack: VaultStack;
  readonly store: KvStore;
  readonly db: SecretPath;
  readonly apiKey: SecretPath;
  readonly paymentProviderKey: SecretPath;
  readonly deploy: GitHubActionsWorkload;
  readonly batch: AppRoleWorkload;
  readonly api: KubernetesWorkload;
  readonly piiKey: TransitKey;
}

/** Declare the payments service in `scope` (an App). */
export function buildVaultApp(scope: Construct, options: VaultAppOptions = {}): VaultApp {
  const allowDestroy = options.allowDestroy;
  const stack = new VaultStack(scope, options.stackName ?? 'payments-vault');

  const store = new KvStore(stack, 'Secrets', { path: 'payments', maxVersions: 5, allowDestroy });

  // Database credentials: the value comes from a sensitive variable into data_json_wo; bump the version to rotate.
  const dbCredentials = new TerraformVariable(stack, 'db_credentials', {
    type: 'map(string)',
    sensitive: true,
    description: 'Database credentials of the payments service: a map with username and password',
  });
  const dbCredentialsVersion = new TerraformVariable(stack, 'db_credentials_version', {
    type: 'number',
    default: 1,
    description: 'Bump to write a new value of db_credentials (rotation)',
  });
  const db = new SecretPath(stack, 'DbCredentials', {
    store,
    name: 'db/credentials',
    owner: 'team-payments',
    description: 'PostgreSQL credentials of the payments API',
    rotationPeriodDays: 90,
    labels: { data_class: 'confidential' },
    writeOnlyValue: dbCredentials,
    writeOnlyValueVersion: dbCredentialsVersion.numberValue,
    allowDestroy,
  });

  // The card processor's API key: declared only, written out of band (`bao kv put payments/stripe/api-key key=...`).
  const apiKey = new SecretPath(stack, 'StripeApiKey', {
    store,
    name: 'stripe/api-key',
    owner: 'team-payments',
    description: 'Card processor API key, rotated by the deploy pipeline',
    rotationPeriodDays: 30,
    allowDestroy,
  });

  // The payment provider's API key, kept in a SOPS-encrypted dotenv file: Terraform gets it from `sops exec-env` in an
  // ephemeral variable, writes it write-only, and writes a new version whenever the encrypted file changes.
  const paymentProvider = new SopsFileVariables(stack, 'PaymentProvider', {
    path: path.relative(process.cwd(), path.join(__dirname, 'secrets', 'payment-provider.enc.env')),
    keys: ['PAYMENT_PROVIDER_API_KEY'],
  });
  const paymentProviderKey = new SecretPath(stack, 'PaymentProviderApiKey', {
    store,
    name: 'payment-provider/api-key',
    owner: 'team-payments',
    description: 'Payment provider API key, from the SOPS-encrypted examples/secrets/payment-provider.enc.env',
    sopsFile: paymentProvider,
    allowDestroy,
  });

  // Application-level encryption of card holder data.
  const transit = new TransitEngine(stack, 'Transit', { path: 'transit', allowDestroy });
  const piiKey = new TransitKey(stack, 'PiiKey', { engine: transit, name: 'payments-pii', allowDestroy });

  // Auth backends, once per stack; workloads below find them (AppRoleAuthBackend.of(...)) or are given them.
  const jwt = new JwtAuthBackend(stack, 'GitHubActions', { ...options.jwt, allowDestroy });
  new KubernetesAuthBackend(stack, 'Kubernetes', { ...options.kubernetes, allowDestroy });
  new AppRoleAuthBackend(stack, 'AppRole', { allowDestroy });

  // The deploy job on main, in the production environment, rotates the API key.
  const deploy = new GitHubActionsWorkload(stack, 'Deploy', {
    backend: jwt,
    repository: options.githubRepository ?? 'acme/payments',
    gitRef: 'refs/heads/main',
    environment: 'production',
  });
  apiKey.grantWrite(deploy);

  // The nightly settlement batch job reads the database and decrypts stored card data.
  const batch = new AppRoleWorkload(stack, 'SettlementBatch', { secretIdTtlSeconds: 600 });
  db.grantRead(batch);
  piiKey.grantDecrypt(batch);

  // The API in Kubernetes reads both secrets and encrypts/decrypts card data.
  const api = new KubernetesWorkload(stack, 'Api', { serviceAccountNames: ['payments-api'], namespaces: ['payments'] });
  db.grantRead(api);
  apiKey.grantRead(api);
  paymentProviderKey.grantRead(api);
  piiKey.grantEncryptDecrypt(api);

  return { stack, store, db, apiKey, paymentProviderKey, deploy, batch, api, piiKey };
}

if (require.main === module) {
  const app = new App({ outdir: 'cdktf.out' });
  const { stack } = buildVaultApp(app);
  console.log(`apply with: ${SopsFileVariables.execCommandFor(stack, 'terraform -chdir=cdktf.out/stacks/payments-vault apply')}`);
  // Fail synth on any plaintext value or unprotected secret material anywhere in the app's Terraform JSON.
  TerraformGuard.applyTo(app);
  app.synth();
}
