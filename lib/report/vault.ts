// The access report of a Terraform output for Vault: every KV path and Transit key, and which auth roles can read or
// write it, from the `vault_policy` texts (HCL parsed: path globs `*` and `+`, capabilities, deny, Vault's rule
// priority) joined with the auth backend roles that carry those policies (JWT/OIDC and GitHub Actions with bound
// claims and audiences, Kubernetes, AppRole, AWS) and the mounts.
import { createHash } from 'crypto';
import type { LoadedResource } from '../guard/private/loss/load';
import { KeywardInputError } from '../guard/private/loss/input-error';
import { AccessReport, ReportAccess, ReportResource, ReportWorkload } from './model';

/** One `path` block of a Vault policy. */
export interface VaultRule {
  readonly path: string;
  readonly capabilities: string[];
}

/** Vault's legacy `policy = "…"` of a path block, as the capabilities it stands for. */
const LEGACY_POLICY: { [v: string]: string[] } = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};
/** Attributes of a path block that can only narrow it (or are not about access). */
const NARROWING = new Set(['allowed_parameters', 'denied_parameters', 'required_parameters', 'min_wrapping_ttl', 'max_wrapping_ttl', 'subscribe_event_types']);

/** The capabilities of one path block's attributes; anything not understood is an input error, never dropped. */
function blockCapabilities(attrs: [string, unknown][], where: string, path: string): string[] {
  const caps: string[] = [];
  for (const [name, value] of attrs) {
    if (name === 'capabilities') {
      if (!Array.isArray(value) || value.some((c) => typeof c !== 'string')) {
        throw new KeywardInputError(`${where}: policy: path "${path}": capabilities is not a list of strings`);
      }
      caps.push(...value);
    } else if (name === 'policy') {
      const legacy = typeof value === 'string' ? LEGACY_POLICY[value.toLowerCase()] : undefined;
      if (!legacy) {
        throw new KeywardInputError(`${where}: policy: path "${path}": policy = ${JSON.stringify(value)} is not read, write, deny or sudo`);
      }
      caps.push(...legacy);
    } else if (!NARROWING.has(name)) {
      throw new KeywardInputError(`${where}: policy: path "${path}": attribute ${name} is not understood by the report`);
    }
  }
  return caps;
}

/**
 * Parse a Vault policy (HCL, or its JSON form) into its path rules: `capabilities`, and the legacy `policy = "read"`
 * (read, write, deny, sudo). Attributes that can only narrow a rule (`allowed_parameters`, …) are skipped; any other
 * shape is an input error (exit 2), so nothing that may grant access is silently dropped.
 */
export function parseVaultPolicy(text: string, where: string): VaultRule[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: any;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      throw new KeywardInputError(`${where}: policy is neither HCL nor JSON`);
    }
    const bad = (what: string): never => {
      throw new KeywardInputError(`${where}: policy: ${what} is not understood by the report`);
    };
    for (const k of Object.keys(doc ?? {})) {
      if (k !== 'path' && k !== 'name') {
        bad(`top-level ${k}`);
      }
    }
    // `path` is an object of path → body, or a list of such objects; a body is an object or a list of objects.
    const objects = (v: unknown, what: string): { [k: string]: unknown }[] =>
      (Array.isArray(v) ? v : [v]).map((o) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? o as { [k: string]: unknown } : bad(what)));
    const rules: VaultRule[] = [];
    for (const paths of doc?.path === undefined ? [] : objects(doc.path, 'path')) {
      for (const [p, body] of Object.entries(paths)) {
        const attrs = objects(body, `path "${p}"`).flatMap((b) => Object.entries(b));
        rules.push({ path: p, capabilities: blockCapabilities(attrs, where, p) });
      }
    }
    return rules;
  }
  const tokens = tokenize(text, where);
  const rules: VaultRule[] = [];
  let i = 0;
  const expect = (v: string) => {
    if (tokens[i]?.v !== v) {
      throw new KeywardInputError(`${where}: policy: expected ${v} but found ${tokens[i]?.v ?? 'end of text'}`);
    }
    i++;
  };
  const skipValue = () => {
    // A value: a string, number, identifier, list or block, possibly nested.
    let depth = 0;
    do {
      const t = tokens[i++];
      if (t === undefined) {
        throw new KeywardInputError(`${where}: policy: unterminated value`);
      }
      if (t.kind === 'punct' && (t.v === '[' || t.v === '{')) {
        depth++;
      } else if (t.kind === 'punct' && (t.v === ']' || t.v === '}')) {
        depth--;
      }
    } while (depth > 0);
  };
  while (i < tokens.length) {
    const t = tokens[i++];
    if (t.kind === 'ident' && t.v === 'path' && tokens[i]?.kind === 'string') {
      const p = tokens[i++].v;
      expect('{');
      const attrs: [string, unknown][] = [];
      while (tokens[i] && tokens[i].v !== '}') {
        const name = tokens[i++];
        if (tokens[i]?.v === '=') {
          i++;
        }
        if (name.v === 'capabilities') {
          expect('[');
          const caps: string[] = [];
          while (tokens[i] && tokens[i].v !== ']') {
            if (tokens[i].kind !== 'string') {
              throw new KeywardInputError(`${where}: policy: path "${p}": capability ${tokens[i].v} is not a string`);
            }
            caps.push(tokens[i++].v);
          }
          expect(']');
          attrs.push([name.v, caps]);
        } else if (name.v === 'policy') {
          attrs.push([name.v, tokens[i]?.kind === 'string' ? tokens[i].v : undefined]);
          skipValue();
        } else {
          attrs.push([name.v, undefined]);
          skipValue();
        }
      }
      expect('}');
      rules.push({ path: p, capabilities: blockCapabilities(attrs, where, p) });
    } else if (t.kind === 'ident' && t.v === 'name' && tokens[i]?.v === '=') {
      i++;
      skipValue();
    } else {
      throw new KeywardInputError(`${where}: policy: unexpected ${JSON.stringify(t.v)}`);
    }
  }
  return rules;
}

function tokenize(text: string, where: string): { kind: 'string' | 'ident' | 'punct'; v: string }[] {
  const out: { kind: 'string' | 'ident' | 'punct'; v: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s|,/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        v += text[i] === '\\' ? text[++i] : text[i];
        i++;
      }
      if (i >= text.length) {
        throw new KeywardInputError(`${where}: policy: unterminated string`);
      }
      i++;
      out.push({ kind: 'string', v });
    } else if (/[{}[\]=]/.test(c)) {
      out.push({ kind: 'punct', v: c });
      i++;
    } else if (/[A-Za-z0-9_.\-]/.test(c)) {
      let v = '';
      while (i < text.length && /[A-Za-z0-9_.\-]/.test(text[i])) {
        v += text[i++];
      }
      out.push({ kind: 'ident', v });
    } else {
      throw new KeywardInputError(`${where}: policy: unexpected character ${JSON.stringify(c)}`);
    }
  }
  return out;
}

/** Whether a Vault policy path (`*` at the end: prefix; `+`: one segment) matches a request path. */
export function vaultPathMatches(pattern: string, path: string): boolean {
  return pathRegExp(pattern).test(path);
}

function pathRegExp(pattern: string): RegExp {
  const prefix = pattern.endsWith('*');
  const body = prefix ? pattern.slice(0, -1) : pattern;
  const re = body.split('/').map((seg) => (seg === '+' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${re}${prefix ? '.*' : ''}$`);
}

/** Vault's priority of two matching paths: negative when `a` is the lower (less specific) one. */
export function vaultPriority(a: string, b: string): number {
  const firstWild = (p: string) => {
    const i = p.search(/[+*]/);
    return i === -1 ? Infinity : i;
  };
  if (firstWild(a) !== firstWild(b)) {
    return firstWild(a) < firstWild(b) ? -1 : 1;
  }
  if (a.endsWith('*') !== b.endsWith('*')) {
    return a.endsWith('*') ? -1 : 1;
  }
  const plus = (p: string) => p.split('/').filter((s) => s === '+').length;
  if (plus(a) !== plus(b)) {
    return plus(a) > plus(b) ? -1 : 1;
  }
  if (a.length !== b.length) {
    return a.length < b.length ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Resolve `${type.name.attr}` references within one Terraform configuration (anything else stays unresolved: «…»). */
class TfResolver {
  private readonly byAddress = new Map<string, LoadedResource>();

  constructor(resources: LoadedResource[]) {
    for (const r of resources) {
      this.byAddress.set(`${r.stack}\u0000${r.address}`, r);
    }
  }

  public resource(stack: string, address: string): LoadedResource | undefined {
    return this.byAddress.get(`${stack}\u0000${address}`);
  }

  public str(v: unknown, stack: string, depth = 0): string {
    if (typeof v !== 'string') {
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return v.replace(/\$\{([^{}]+)\}/g, (m, expr: string) => {
      const e = expr.trim();
      const ref = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)$/.exec(e);
      const target = ref ? this.resource(stack, `${ref[1]}.${ref[2]}`) : undefined;
      if (target && depth < 20) {
        const attr = ref![3];
        const value = target.properties[attr] ?? (attr === 'id' ? target.properties.path ?? target.properties.name : undefined);
        if (value !== undefined) {
          return this.str(value, stack, depth + 1);
        }
      }
      return `«${m}»`;
    });
  }

  public strs(v: unknown, stack: string): string[] {
    return (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((x) => this.str(x, stack));
  }
}

interface VaultWorkloadInfo {
  readonly workload: ReportWorkload;
  readonly stack: string;
  readonly policies: string[];
}

interface Protected {
  readonly resource: Omit<ReportResource, 'readers' | 'writers'>;
  readonly stack: string;
  /** Request paths and the capabilities that read or write through them. */
  readonly read: { path: string; caps: string[] }[];
  readonly write: { path: string; caps: string[] }[];
}

const GITHUB_ISSUER = /token\.actions\.githubusercontent\.com/;

/** Read the access report of a Terraform output (Vault resources). */
export function vaultAccess(resources: LoadedResource[], servers = new Map<string, string>()): AccessReport {
  const tf = new TfResolver(resources);
  // Stacks that talk to the same Vault server share its policies, auth backends and paths.
  const server = (stack: string) => servers.get(stack) ?? `stack ${stack}`;
  const warnings: string[] = [];
  const mounts = new Map<string, LoadedResource>();
  const policies = new Map<string, { rules: VaultRule[]; where: string }>();
  const workloads: VaultWorkloadInfo[] = [];
  const protectedItems: Protected[] = [];
  const kvSettings = new Map<string, any>();
  const backends = new Map<string, LoadedResource>();
  const k8sConfigs = new Map<string, LoadedResource>();

  for (const r of resources) {
    const p = r.properties;
    if (r.type === 'vault_mount') {
      mounts.set(`${server(r.stack)}\u0000${tf.str(p.path, r.stack)}`, r);
    } else if (r.type === 'vault_kv_secret_backend_v2') {
      kvSettings.set(`${server(r.stack)}\u0000${tf.str(p.mount, r.stack)}`, p);
    } else if (r.type === 'vault_auth_backend' || r.type === 'vault_jwt_auth_backend') {
      backends.set(`${server(r.stack)}\u0000${tf.str(p.path ?? p.type, r.stack)}`, r);
    } else if (r.type === 'vault_kubernetes_auth_backend_config') {
      k8sConfigs.set(`${server(r.stack)}\u0000${tf.str(p.backend ?? 'kubernetes', r.stack)}`, r);
    } else if (r.type === 'vault_policy') {
      const name = tf.str(p.name, r.stack).toLowerCase();
      const text = tf.str(p.policy, r.stack);
      const where = `${r.stack}/${r.address}`;
      if (text.includes('«')) {
        warnings.push(`${where}: policy text is not literal (${text.slice(0, 60)}): not evaluated`);
        continue;
      }
      const policyKey = `${server(r.stack)}\u0000${name}`;
      if (policies.has(policyKey)) {
        warnings.push(`${where}: policy ${name} is also defined by ${policies.get(policyKey)!.where} on the same Vault server: the one applied last wins, both are evaluated`);
        policies.get(policyKey)!.rules.push(...parseVaultPolicy(text, where));
        continue;
      }
      policies.set(policyKey, { rules: parseVaultPolicy(text, where), where: `${where} (policy ${name})` });
    }
  }
  const isKv2 = (stack: string, mount: string) => {
    const m = mounts.get(`${server(stack)}\u0000${mount}`);
    return m !== undefined && (m.properties.type === 'kv-v2' || (m.properties.type === 'kv' && String(m.properties.options?.version) === '2'));
  };
  const seenKv = new Set<string>();
  const kvItem = (r: LoadedResource, mount: string, name: string, metadata: any, declaredOnly: boolean) => {
    const id = `${r.stack}:${mount}/${name}`;
    if (seenKv.has(`${r.stack}\u0000${id}`)) {
      return;
    }
    seenKv.add(`${r.stack}\u0000${id}`);
    const settings = kvSettings.get(`${server(r.stack)}\u0000${mount}`);
    const period = metadata?.rotation_period;
    const mountRes = mounts.get(`${server(r.stack)}\u0000${mount}`);
    protectedItems.push({
      stack: r.stack,
      resource: {
        id,
        kind: 'vault-kv',
        name: `${mount}/${name}`,
        location: `${r.stack}/${r.address}`,
        key: `mount ${mount}`,
        rotation: period ? `every ${period} (declared in custom metadata)` : 'no rotation declared',
        retention: [
          r.preventDestroy ? 'prevent_destroy' : 'destroyable',
          mountRes ? (mountRes.preventDestroy ? 'mount prevent_destroy' : 'mount destroyable') : 'mount not in the output',
          settings?.max_versions !== undefined ? `${settings.max_versions} versions kept` : undefined,
        ].filter(Boolean).join(', '),
        notes: declaredOnly ? ['declared only: the value is written out of band'] : [],
      },
      read: [{ path: `${mount}/data/${name}`, caps: ['read'] }],
      write: [{ path: `${mount}/data/${name}`, caps: ['create', 'update', 'patch'] }],
    });
  };
  // Secrets with a value first, so a path that also has a metadata endpoint is not reported as declared only.
  const ordered = [...resources.filter((r) => r.type === 'vault_kv_secret_v2'), ...resources.filter((r) => r.type !== 'vault_kv_secret_v2')];
  for (const r of ordered) {
    const p = r.properties;
    if (r.type === 'vault_kv_secret_v2') {
      kvItem(r, tf.str(p.mount, r.stack), tf.str(p.name, r.stack), p.custom_metadata?.data, false);
    } else if (r.type === 'vault_generic_endpoint' || r.type === 'vault_generic_secret') {
      const path = tf.str(p.path, r.stack);
      const m = /^(.+?)\/(metadata|data)\/(.+)$/.exec(path);
      if (m && isKv2(r.stack, m[1])) {
        let meta: any;
        try {
          meta = JSON.parse(tf.str(p.data_json, r.stack))?.custom_metadata;
        } catch {
          meta = undefined;
        }
        kvItem(r, m[1], m[3], meta, true);
      }
      if (/^(auth\/.+\/role\/|sys\/polic|sys\/auth)/.test(path)) {
        warnings.push(`${r.stack}/${r.address}: ${r.type} writes ${path} (a role, policy or auth method) outside the modelled resources: not evaluated`);
      }
    } else if (/^vault_identity_(group|entity)/.test(r.type) || r.type === 'vault_token' || r.type === 'vault_token_auth_backend_role') {
      // Identity groups and entities (and tokens) carry policies of their own: members hold them on top of their role's.
      warnings.push(`${r.stack}/${r.address}: ${r.type} can give policies to identities or tokens; the report does not model it: not evaluated`);
    } else if (r.type === 'vault_kv_secret') {
      const path = tf.str(p.path, r.stack);
      protectedItems.push({
        stack: r.stack,
        resource: {
          id: `${r.stack}:${path}`, kind: 'vault-kv', name: path, location: `${r.stack}/${r.address}`, key: `mount ${path.split('/')[0]}`,
          rotation: 'no rotation declared', retention: r.preventDestroy ? 'prevent_destroy' : 'destroyable', notes: ['KV version 1'],
        },
        read: [{ path, caps: ['read'] }],
        write: [{ path, caps: ['create', 'update'] }],
      });
    } else if (r.type === 'vault_transit_secret_backend_key') {
      const mount = tf.str(p.backend, r.stack);
      const name = tf.str(p.name, r.stack);
      const period = Number(p.auto_rotate_period ?? 0);
      protectedItems.push({
        stack: r.stack,
        resource: {
          id: `${r.stack}:${mount}/keys/${name}`,
          kind: 'transit-key',
          name: `${mount}/keys/${name}`,
          location: `${r.stack}/${r.address}`,
          rotation: period > 0 ? `auto-rotated every ${Math.round(period / 86400)} days` : 'not auto-rotated',
          retention: `${r.preventDestroy ? 'prevent_destroy' : 'destroyable'}, deletion ${p.deletion_allowed === true ? 'allowed' : 'not allowed'}${p.exportable === true ? ', exportable' : ''}`,
          notes: [],
        },
        // Readers decrypt (or get a plaintext data key); writers encrypt.
        read: [{ path: `${mount}/decrypt/${name}`, caps: ['update'] }, { path: `${mount}/datakey/plaintext/${name}`, caps: ['update'] }],
        write: [{ path: `${mount}/encrypt/${name}`, caps: ['update'] }],
      });
    } else if (/^vault_.*auth_backend_role$/.test(r.type)) {
      workloads.push(authRole(r));
    }
  }

  function authRole(r: LoadedResource): VaultWorkloadInfo {
    const p = r.properties;
    const backendPath = tf.str(p.backend ?? defaultBackend(r.type), r.stack);
    const role = tf.str(p.role_name ?? p.role, r.stack);
    const backend = backends.get(`${server(r.stack)}\u0000${backendPath}`);
    const binding: { [k: string]: string[] } = {};
    const put = (k: string, v: unknown) => {
      const values = tf.strs(v, r.stack).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
      if (values.length > 0) {
        binding[k] = values;
      }
    };
    // The trust anchor of the backend (who signs the tokens it accepts): `trust …` fields, any change of which widens.
    const trust = (k: string, v: unknown, digest = false) => {
      const values = tf.strs(v, r.stack).filter((x) => x !== '');
      if (values.length > 0) {
        binding[`trust ${k}`] = digest ? values.map((x) => `sha256:${createHash('sha256').update(x).digest('hex').slice(0, 16)}`) : values;
      }
    };
    let kind = r.type.replace(/^vault_|_auth_backend_role$/g, '');
    if (r.type === 'vault_jwt_auth_backend_role') {
      const issuer = tf.str(backend?.properties.bound_issuer ?? backend?.properties.oidc_discovery_url, r.stack);
      kind = GITHUB_ISSUER.test(issuer) ? 'GitHub Actions' : 'JWT/OIDC';
      put('issuer', issuer || undefined);
      const b = backend?.properties ?? {};
      trust('oidc_discovery_url', b.oidc_discovery_url);
      trust('oidc_discovery_ca_pem', b.oidc_discovery_ca_pem, true);
      trust('jwks_url', b.jwks_url);
      trust('jwks_ca_pem', b.jwks_ca_pem, true);
      trust('jwt_validation_pubkeys', b.jwt_validation_pubkeys, true);
      trust('bound_issuer', b.bound_issuer);
      trust('oidc_client_id', b.oidc_client_id);
      put('role_type', p.role_type);
      put('bound_audiences', p.bound_audiences);
      put('bound_subject', p.bound_subject);
      put('bound_claims_type', p.bound_claims_type ?? 'string');
      for (const [k, v] of Object.entries(p.bound_claims ?? {})) {
        put(`bound_claims.${k}`, v);
      }
      put('bound_cidrs', p.bound_cidrs);
    } else if (r.type === 'vault_kubernetes_auth_backend_role') {
      kind = 'Kubernetes service account';
      put('bound_service_account_names', p.bound_service_account_names);
      put('bound_service_account_namespaces', p.bound_service_account_namespaces);
      put('audience', p.audience);
      const c = k8sConfigs.get(`${server(r.stack)}\u0000${backendPath}`)?.properties ?? {};
      trust('kubernetes_host', c.kubernetes_host);
      trust('kubernetes_ca_cert', c.kubernetes_ca_cert, true);
      trust('pem_keys', c.pem_keys, true);
      trust('issuer', c.issuer);
      trust('disable_iss_validation', c.disable_iss_validation);
    } else if (r.type === 'vault_approle_auth_backend_role') {
      kind = 'AppRole';
      put('bind_secret_id', p.bind_secret_id ?? true);
      put('secret_id_bound_cidrs', p.secret_id_bound_cidrs);
    } else if (r.type === 'vault_aws_auth_backend_role') {
      kind = 'AWS IAM (Vault)';
      for (const k of Object.keys(p).filter((x) => x.startsWith('bound_') || x === 'auth_type')) {
        put(k, p[k]);
      }
    } else {
      for (const k of Object.keys(p).filter((x) => x.startsWith('bound_'))) {
        put(k, p[k]);
      }
    }
    put('token_bound_cidrs', p.token_bound_cidrs);
    // Vault adds its `default` policy to every token unless the role says token_no_default_policy.
    const noDefault = p.token_no_default_policy === true || String(p.token_no_default_policy) === 'true';
    const pols = [...new Set([...tf.strs(p.token_policies, r.stack), ...tf.strs(p.policies, r.stack), ...(noDefault ? [] : ['default'])])];
    const name = `auth/${backendPath}/role/${role}`;
    return { workload: { id: `${r.stack}:${name}`, kind, name, binding }, stack: r.stack, policies: pols };
  }

  // Access: each workload's policies merged (a path in several policies gets the union), then for each request path
  // the most specific matching rule decides, and deny on it takes everything away.
  const reportResources: ReportResource[] = protectedItems.map((x) => ({ ...x.resource, readers: [], writers: [] }));
  for (const w of workloads) {
    const merged = new Map<string, { caps: Set<string>; where: string[] }>();
    for (const name of w.policies) {
      if (name.includes('«')) {
        warnings.push(`${w.workload.id}: policy ${name} cannot be resolved within the output: not evaluated`);
        continue;
      }
      const pol = policies.get(`${server(w.stack)}\u0000${name.toLowerCase()}`);
      if (!pol) {
        if (name !== 'default') {
          warnings.push(`${w.workload.id}: policy "${name}" is not in the output: not evaluated`);
        }
        continue;
      }
      for (const rule of pol.rules) {
        const m = merged.get(rule.path) ?? { caps: new Set<string>(), where: [] };
        rule.capabilities.forEach((c) => m.caps.add(c));
        m.where.push(`${pol.where} path "${rule.path}"`);
        merged.set(rule.path, m);
      }
    }
    // Exact paths are looked up; only glob rules are matched one by one (an exact path always has the highest priority).
    const globs = [...merged.entries()].filter(([p]) => /[*+]/.test(p)).map(([p, rule]) => ({ p, rule, re: pathRegExp(p) }));
    protectedItems.forEach((item, i) => {
      if (server(item.stack) !== server(w.stack)) {
        return;
      }
      for (const [mode, wanted] of [['read', item.read], ['write', item.write]] as const) {
        const via: string[] = [];
        const matched: string[] = [];
        for (const want of wanted) {
          const exact = merged.get(want.path);
          let best: [string, { caps: Set<string>; where: string[] }] | undefined = exact ? [want.path, exact] : undefined;
          for (const g of exact ? [] : globs) {
            if (g.re.test(want.path) && (!best || vaultPriority(g.p, best[0]) > 0)) {
              best = [g.p, g.rule];
            }
          }
          if (best && !best[1].caps.has('deny') && want.caps.some((c) => best![1].caps.has(c))) {
            via.push(...best[1].where);
            matched.push(best[0]);
          }
        }
        if (via.length > 0) {
          const access: ReportAccess = {
            workload: w.workload.id,
            via: [...new Set(via)],
            matched: [...new Set(matched)],
            wildcard: matched.some((m) => /[*+]/.test(m)),
            certainty: 'yes',
            notes: [],
          };
          (mode === 'read' ? reportResources[i].readers : reportResources[i].writers).push(access);
        }
      }
    });
  }
  return { sources: [], resources: reportResources, workloads: workloads.map((w) => w.workload), warnings };
}

function defaultBackend(type: string): string {
  return type.replace(/^vault_|_auth_backend_role$/g, '').replace(/_/g, '-');
}
