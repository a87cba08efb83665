/** An OpenBao dev server on loopback and a minimal HTTP client for acting as workloads. */
import { randomBytes } from 'crypto';
import { freePort, Server, startServer } from './process';

export interface VaultResponse {
  readonly status: number;
  readonly body: any;  
}

export class VaultClient {
  constructor(public readonly addr: string, public readonly token?: string) {}

  public withToken(token: string): VaultClient {
    return new VaultClient(this.addr, token);
  }

  public async request(method: string, path: string, body?: unknown): Promise<VaultResponse> {
    const res = await fetch(`${this.addr}/v1/${path.replace(/^\//, '')}`, {
      method,
      headers: { ...(this.token ? { 'X-Vault-Token': this.token } : {}), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }

  public async ok(method: string, path: string, body?: unknown): Promise<VaultResponse> {
    const r = await this.request(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  }

  /** Logs in at auth/<mount>/login and returns a client holding the issued token. */
  public async login(mount: string, body: unknown): Promise<{ client?: VaultClient; response: VaultResponse }> {
    const response = await this.request('POST', `auth/${mount}/login`, body);
    const token = response.body?.auth?.client_token;
    return { client: response.status === 200 && token ? this.withToken(token) : undefined, response };
  }
}

export interface DevVault {
  readonly server: Server;
  readonly addr: string;
  readonly rootToken: string;
  readonly root: VaultClient;
}

/** `bao server -dev` on 127.0.0.1:<free port>, in memory, with a random root token. */
export async function startDevVault(bao: string): Promise<DevVault> {
  const port = await freePort();
  const rootToken = `root-${randomBytes(12).toString('hex')}`;
  const server = await startServer({
    name: 'bao server -dev',
    command: bao,
    args: ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${rootToken}`, '-dev-no-store-token'],
    port,
    env: { BAO_ADDR: '', VAULT_ADDR: '' },
    ready: async (url) => (await fetch(`${url}/v1/sys/health`)).status === 200,
  });
  return { server, addr: server.url, rootToken, root: new VaultClient(server.url, rootToken) };
}
