/** Child processes for servers and CLIs: loopback only, free ports, always stopped. */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as net from 'net';

/** A free TCP port on 127.0.0.1 (the OS picks it; we close and hand it to the server). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(address.port));
    });
  });
}

export interface Server {
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts a server and waits until `ready(url)` resolves true (polling), or fails with its output. */
export async function startServer(opts: {
  name: string;
  command: string;
  args: string[];
  port: number;
  env?: NodeJS.ProcessEnv;
  ready: (url: string) => Promise<boolean>;
  timeoutMs?: number;
}): Promise<Server> {
  const url = `http://127.0.0.1:${opts.port}`;
  let output = '';
  const child: ChildProcess = spawn(opts.command, opts.args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => { output += d.toString(); });
  child.stderr?.on('data', (d) => { output += d.toString(); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const deadline = Date.now() + (opts.timeoutMs ?? 60000);
  for (;;) {
    if (exited) throw new Error(`${opts.name} exited during start-up:\n${output}`);
    try {
      if (await opts.ready(url)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} did not become ready on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port: opts.port,
    output: () => output,
    stop: async () => {
      if (exited) return;
      const done = new Promise<void>((r) => child.on('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
  };
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a CLI to completion; never throws on a non-zero exit (callers assert on status). */
export function run(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Like run, but throws with the full output when the exit code is not 0. */
export function runOk(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r = run(command, args, opts);
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}
