/**
 * The AWS access decisions of a synthesized cloud assembly, evaluated by an IAM policy evaluator Keyward does not
 * contain: @cloud-copilot/iam-simulate.
 *
 * LICENSE: @cloud-copilot/iam-simulate is AGPL-3.0-or-later. It is a devDependency used only here, by the integration
 * tests; nothing under lib/ or bin/ imports it (eslint's no-restricted-imports and test/aws/dev-only-dependencies.test.ts
 * enforce that), and it is never shipped.
 *
 * The templates are read as synthesized; every intrinsic is resolved with the strict resolver of bench/measure.ts
 * against values a deployment would give (ARNs from the declared names, the key ARNs, the exports, the nested-stack
 * parameters); anything it cannot resolve is an error, so nothing is evaluated half-resolved.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { resolveIntrinsicsWith } from '../../../bench/measure';

export interface Env {
  readonly account: string;
  readonly region: string;
}

export interface SecretModel {
  readonly id: string;
  readonly name: string;
  /** The complete ARN (with the 6-character suffix), in the secret's region. */
  readonly arn: string;
  readonly region: string;
  readonly account: string;
  readonly keyArn: string;
  readonly tags: { [key: string]: string };
  /** The resource policy (replicated to replicas, as Secrets Manager does). */
  resourcePolicy?: any;
  /** Set for a replica: the primary's id. */
  readonly replicaOf?: string;
}

export interface RoleModel {
  readonly id: string;
  readonly arn: string;
  readonly identityPolicies: { name: string; policy: any }[];
  /** Managed policy ARNs whose documents are not in the assembly (AWS managed policies): not evaluated. */
  readonly unevaluated: string[];
}

export interface KeyModel {
  readonly arn: string;
  readonly policy: any;
}

const hash = (s: string, n: number) => crypto.createHash('sha256').update(s).digest('hex').slice(0, n);
const suffix = (s: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...crypto.createHash('sha256').update(s).digest()].slice(0, 6).map((b) => alphabet[b % alphabet.length]).join('');
};

/** Every template of a cloud assembly (top-level and nested), resolved as deployed to `env`. */
export class Assembly {
  public readonly secrets: SecretModel[] = [];
  public readonly roles: RoleModel[] = [];
  public readonly keys = new Map<string, KeyModel>();
  private readonly templates = new Map<string, any>();
  private readonly params = new Map<string, Map<string, string>>();
  private readonly exports = new Map<string, { file: string; value: any }>();

  constructor(outdir: string, private readonly env: Env) {
    for (const f of fs.readdirSync(outdir).filter((x) => x.endsWith('.template.json'))) {
      this.templates.set(f, JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')));
    }
    for (const [file, t] of this.templates) {
      for (const o of Object.values<any>(t.Outputs ?? {})) {
        if (o.Export?.Name) this.exports.set(o.Export.Name, { file, value: o.Value });
      }
    }
    // Nested stacks: the parent's AWS::CloudFormation::Stack names the template by its asset hash (TemplateURL), which
    // the assets manifests map to the file; the parent passes parameters, resolved in its context (parents first).
    const byHash = new Map<string, string>();
    for (const f of fs.readdirSync(outdir).filter((x) => x.endsWith('.assets.json'))) {
      for (const [h, a] of Object.entries<any>(JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')).files ?? {})) byHash.set(h, a.source?.path);
    }
    const childOf = (r: any): string | undefined => {
      if (r.Type !== 'AWS::CloudFormation::Stack') return undefined;
      const h = /([0-9a-f]{64})\.json/.exec(JSON.stringify(r.Properties?.TemplateURL ?? ''))?.[1];
      return r.Metadata?.['aws:asset:path'] ?? (h ? byHash.get(h) : undefined);
    };
    const pending = [...this.templates.keys()].filter((f) => !f.endsWith('.nested.template.json'));
    while (pending.length > 0) {
      const file = pending.shift()!;
      for (const r of Object.values<any>(this.templates.get(file).Resources ?? {})) {
        const child = childOf(r);
        if (r.Type === 'AWS::CloudFormation::Stack' && !child) throw new Error(`${file}: cannot find the template of a nested stack`);
        if (!child) continue;
        if (!this.templates.has(child)) throw new Error(`${file}: nested template ${child} not in the assembly`);
        const values = new Map<string, string>();
        for (const [k, v] of Object.entries<any>(r.Properties?.Parameters ?? {})) values.set(k, this.resolve(file, v));
        this.params.set(child, values);
        pending.push(child);
      }
    }
    for (const file of this.templates.keys()) this.load(file);
  }

  private stackName(file: string): string {
    return file.replace(/\.(nested\.)?template\.json$/, '');
  }

  /** The physical name a deployment would give an unnamed resource. */
  private physical(file: string, id: string, max = 64): string {
    return `${this.stackName(file).slice(0, 20)}-${id.slice(0, max - 34)}-${hash(file + id, 12).toUpperCase()}`;
  }

  private secretArn(file: string, id: string, region = this.env.region): string {
    const props = this.templates.get(file).Resources[id].Properties ?? {};
    const name = props.Name ?? this.physical(file, id, 128);
    return `arn:aws:secretsmanager:${region}:${this.env.account}:secret:${name}-${suffix(file + id)}`;
  }

  private keyArn(file: string, id: string): string {
    const h = hash(file + id, 32);
    return `arn:aws:kms:${this.env.region}:${this.env.account}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** `value` of template `file` with every intrinsic resolved; unknown references are errors. */
  public resolve(file: string, value: unknown): any {
    const t = this.templates.get(file);
    return resolveIntrinsicsWith(value, {
      ref: (name) => {
        switch (name) {
          case 'AWS::AccountId': return this.env.account;
          case 'AWS::Region': return this.env.region;
          case 'AWS::Partition': return 'aws';
          case 'AWS::URLSuffix': return 'amazonaws.com';
          case 'AWS::StackName': return this.stackName(file);
        }
        const param = this.params.get(file)?.get(name);
        if (param !== undefined) return param;
        const r = t.Resources?.[name];
        switch (r?.Type) {
          case undefined: return undefined;
          case 'AWS::SecretsManager::Secret': return this.secretArn(file, name);
          case 'AWS::KMS::Key': return this.keyArn(file, name).split('/')[1];
          case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${this.env.account}:policy/${this.physical(file, name)}`;
          default: return r.Properties?.RoleName ?? this.physical(file, name);
        }
      },
      getAtt: (id, attribute) => {
        const r = t.Resources?.[id];
        if (r === undefined) return undefined;
        if (attribute !== 'Arn') return `${this.physical(file, id)}.${attribute}`;
        switch (r.Type) {
          case 'AWS::KMS::Key': return this.keyArn(file, id);
          case 'AWS::IAM::Role': return `arn:aws:iam::${this.env.account}:role/${r.Properties?.RoleName ?? this.physical(file, id)}`;
          case 'AWS::SecretsManager::Secret': return undefined;
          default: {
            // Other resources (log groups, functions) only appear in policies that are not about secrets or keys.
            const service = String(r.Type).split('::')[1].toLowerCase();
            return `arn:aws:${service}:${this.env.region}:${this.env.account}:${this.physical(file, id)}`;
          }
        }
      },
      importValue: (name) => {
        const e = typeof name === 'string' ? this.exports.get(name) : undefined;
        return e ? this.resolve(e.file, e.value) : undefined;
      },
      // A weak cross-stack reference (aws-cdk-lib's recommended flags): the named output of the named stack's template.
      stackOutput: (reference: any) => {
        const producer = [...this.templates.keys()].find(f => this.stackName(f) === reference?.StackName);
        const output = producer === undefined ? undefined : this.templates.get(producer).Outputs?.[reference.OutputName];
        return output === undefined ? undefined : this.resolve(producer!, output.Value);
      },
    });
  }

  private load(file: string): void {
    const resources: { [id: string]: any } = this.templates.get(file).Resources ?? {};
    const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
    for (const [id, r] of byType('AWS::KMS::Key')) {
      const arn = this.keyArn(file, id);
      this.keys.set(arn, { arn, policy: this.resolve(file, r.Properties.KeyPolicy) });
    }
    const secretsHere = new Map<string, SecretModel>();
    for (const [id, r] of byType('AWS::SecretsManager::Secret')) {
      const p = r.Properties ?? {};
      const arn = this.secretArn(file, id);
      const name = arn.split(':secret:')[1].slice(0, -7);
      const tags = Object.fromEntries((p.Tags ?? []).map((x: any) => [x.Key, x.Value]));
      const keyArn = p.KmsKeyId === undefined ? 'aws/secretsmanager' : this.resolve(file, p.KmsKeyId);
      const secret: SecretModel = { id: `${this.stackName(file)}/${id}`, name, arn, region: this.env.region, account: this.env.account, keyArn, tags };
      this.secrets.push(secret);
      secretsHere.set(arn, secret);
      for (const replica of p.ReplicaRegions ?? []) {
        const region = this.resolve(file, replica.Region);
        const replicaSecret: SecretModel = {
          ...secret, id: `${secret.id}@${region}`, arn: arn.replace(`:${this.env.region}:`, `:${region}:`), region,
          keyArn: this.resolve(file, replica.KmsKeyId), replicaOf: secret.id,
        };
        this.secrets.push(replicaSecret);
        secretsHere.set(replicaSecret.arn, replicaSecret);
      }
    }
    for (const [, r] of byType('AWS::SecretsManager::ResourcePolicy')) {
      const target = this.resolve(file, r.Properties.SecretId);
      const policy = this.resolve(file, r.Properties.ResourcePolicy);
      for (const s of secretsHere.values()) {
        if (s.arn === target || s.replicaOf !== undefined && secretsHere.get(target)?.id === s.replicaOf) s.resourcePolicy = policy;
      }
    }
    const managed = new Map<string, { name: string; policy: any; attachedTo: string[] }>();
    for (const [id, r] of byType('AWS::IAM::ManagedPolicy')) {
      managed.set(this.resolve(file, { Ref: id }), {
        name: id, policy: this.resolve(file, r.Properties.PolicyDocument), attachedTo: this.resolve(file, r.Properties.Roles ?? []),
      });
    }
    const inline = byType('AWS::IAM::Policy').map(([id, r]) => ({
      name: id, policy: this.resolve(file, r.Properties.PolicyDocument), attachedTo: this.resolve(file, r.Properties.Roles ?? []) as string[],
    }));
    for (const [id, r] of byType('AWS::IAM::Role')) {
      const roleName = this.resolve(file, { Ref: id });
      const policies: { name: string; policy: any }[] = (r.Properties.Policies ?? []).map((p: any) => ({ name: p.PolicyName, policy: this.resolve(file, p.PolicyDocument) }));
      const unevaluated: string[] = [];
      for (const arn of this.resolve(file, r.Properties.ManagedPolicyArns ?? []) as string[]) {
        const m = managed.get(arn);
        if (m) policies.push({ name: m.name, policy: m.policy });
        else unevaluated.push(arn);
      }
      for (const m of managed.values()) if (m.attachedTo.includes(roleName)) policies.push({ name: m.name, policy: m.policy });
      for (const p of inline) if (p.attachedTo.includes(roleName)) policies.push({ name: p.name, policy: p.policy });
      this.roles.push({ id: `${this.stackName(file)}/${id}`, arn: `arn:aws:iam::${this.env.account}:role/${roleName}`, identityPolicies: policies, unevaluated });
    }
  }

  public role(idPrefix: string): RoleModel {
    const found = this.roles.filter((r) => r.id.split('/')[1].startsWith(idPrefix));
    if (found.length !== 1) throw new Error(`expected one role ${idPrefix}, found ${found.map((r) => r.id).join(', ') || 'none'}`);
    return found[0];
  }

  public secret(name: string, region = this.env.region): SecretModel {
    const s = this.secrets.find((x) => x.name === name && x.region === region);
    if (!s) throw new Error(`no secret ${name} in ${region}`);
    return s;
  }
}

/** A principal making requests: a role of the assembly, or one of another account with the policies its account has. */
export interface Caller {
  readonly label: string;
  readonly arn: string;
  readonly identityPolicies: { name: string; policy: any }[];
}

export type Decision = 'allowed' | 'denied';

const accountOf = (arn: string) => arn.split(':')[4];

/** The key policy of a key the assembly does not define (an imported replica key): the KMS default, the account trusted. */
export function defaultKeyPolicy(account: string): any {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
}

/** One request decided by iam-simulate from the caller's identity policies and the resource's policy, together. */
export function decide(caller: Caller, action: string, resourceArn: string, resourcePolicy: any, context: { [k: string]: string | string[] }): { decision: Decision; result: string } {
  // The engine's context-key catalogue knows neither kms:EncryptionContext:<key> nor <service>:ResourceTag/<key> for
  // these actions, so the validating entry point would drop them; the unvalidated one evaluates the request as given.
  const result = runUnsafeSimulation({
    request: {
      principal: caller.arn,
      action,
      resource: { resource: resourceArn, accountId: accountOf(resourceArn) },
      contextVariables: {
        'aws:PrincipalArn': caller.arn, 'aws:PrincipalAccount': accountOf(caller.arn), 'aws:PrincipalIsAWSService': 'false',
        'aws:PrincipalType': 'AssumedRole', ...context,
      },
    },
    identityPolicies: caller.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // The engine's unvalidated entry point names the resource policy from its metadata (a ValidatedPolicy shape).
    resourcePolicy: resourcePolicy === undefined ? undefined : { __validated: true, policyDocument: resourcePolicy, metadata: { name: 'resource policy' }, errors: [] },
  }, {});
  return { decision: result === 'Allowed' ? 'allowed' : 'denied', result };
}

/** Secrets Manager request context for a secret: its tags as aws:ResourceTag/<key>. */
export function secretContext(secret: SecretModel): { [k: string]: string } {
  return Object.fromEntries(Object.entries(secret.tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

/** kms:Decrypt as Secrets Manager makes it for `caller` reading `secret`. */
export function decryptContext(secret: SecretModel, caller: Caller): { [k: string]: string } {
  return {
    'kms:ViaService': `secretsmanager.${secret.region}.amazonaws.com`,
    'kms:EncryptionContext:SecretARN': secret.arn,
    'kms:CallerAccount': accountOf(caller.arn),
  };
}
