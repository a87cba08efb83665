/** moto's server on loopback, and AWS SDK v3 clients pointed at it. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { freePort, Server, startServer } from './process';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Moto {
  readonly server: Server;
  readonly endpoint: string;
  readonly region: string;
  clients(creds?: Credentials): {
    cfn: CloudFormationClient; iam: IAMClient; kms: KMSClient; sm: SecretsManagerClient; sts: STSClient;
  };
  /** From now on every request is authenticated and authorized by moto's IAM implementation. */
  enforceIam(): Promise<void>;
}

export async function startMoto(motoServer: string, accountId: string, region: string): Promise<Moto> {
  const port = await freePort();
  const server = await startServer({
    name: 'moto_server',
    command: motoServer,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    port,
    // Requests signed with keys moto does not know are attributed to MOTO_ACCOUNT_ID (the example's account).
    env: { MOTO_ACCOUNT_ID: accountId },
    ready: async (url) => (await fetch(`${url}/moto-api/data.json`)).status === 200,
  });
  const endpoint = server.url;
  const fallback: Credentials = { accessKeyId: 'AKIAKEYWARDTESTHARNESS', secretAccessKey: 'not-a-secret' };
  return {
    server,
    endpoint,
    region,
    clients: (creds = fallback) => {
      const config = { endpoint, region, credentials: creds, maxAttempts: 1 };
      return {
        cfn: new CloudFormationClient(config),
        iam: new IAMClient(config),
        kms: new KMSClient(config),
        sm: new SecretsManagerClient(config),
        sts: new STSClient(config),
      };
    },
    enforceIam: async () => {
      // moto's documented switch (INITIAL_NO_AUTH_ACTION_COUNT), set at run time through its /moto-api/reset-auth.
      const r = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
      if (r.status !== 200) throw new Error(`moto reset-auth failed: ${r.status} ${await r.text()}`);
    },
  };
}
