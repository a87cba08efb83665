// The access report of a CloudFormation output: who can read (GetSecretValue + kms:Decrypt) and write (PutSecretValue
// + kms:GenerateDataKey) each secret, and decrypt/encrypt each KMS key, evaluated from the identity policies attached
// to every role, user and group, the secrets' resource policies and the key policies, as synthesized.
import { accountPrincipal, actionMatches, and, conditionHolds, ContextValue, list, not, or, PolicyRequest, principalMatches, resourceMatches, Statement, statementsOf, Tri } from './aws-policy';
import { Resolver, Template, unresolved } from './aws-assembly';
import { AccessReport, ReportAccess, ReportResource, ReportWorkload } from './model';

/** A statement with where it comes from, for the report's "via". */
interface Located {
  readonly st: Statement;
  readonly where: string;
}

interface Principal {
  readonly workload: ReportWorkload;
  /** ARN of the principal (undefined for `any principal`). */
  readonly arn?: string;
  readonly account?: string;
  readonly service?: string;
  /** Identity statements, or undefined when they are not in the output (a principal of another account). */
  readonly identity?: Located[];
  /**
   * A `*` principal stands for any caller: `same` is any principal of that account (identity unknown), `other` any
   * principal of any other account. Evaluated only against resources of that account.
   */
  readonly anyOf?: { readonly account: string; readonly side: 'same' | 'other' };
  /** The trust policy (roles of the output). */
  readonly trust?: Statement[];
  /** The permissions boundary's statements, when it is in the output (identity allows must pass it too). */
  boundary?: Located[];
  readonly boundaryArn?: string;
  readonly notes: string[];
}

interface SecretInfo {
  readonly t: Template;
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly keyRef?: string;
  readonly tags: Map<string, string>;
  readonly policy: Located[];
  /** The primary secret's ARN, for a replica. */
  readonly replicaOf?: string;
}

interface KeyInfo {
  readonly t: Template;
  readonly id: string;
  readonly arn: string;
  readonly keyId: string;
  readonly account: string;
  readonly region: string;
  readonly aliases: string[];
  readonly policy: Located[];
  readonly tags: Map<string, string>;
}

/**
 * AWS managed policies that grant secret or key access, as published by AWS (only what matters here). Any other
 * AWS managed policy is reported as not evaluated.
 */
const AWS_MANAGED: { [name: string]: Statement[] } = {
  AdministratorAccess: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  PowerUserAccess: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }],
  SecretsManagerReadWrite: [{ Effect: 'Allow', Action: ['secretsmanager:*'], Resource: '*' }],
};
/** AWS managed policies known to grant no secretsmanager:GetSecretValue/PutSecretValue and no kms:Decrypt/Encrypt. */
const AWS_MANAGED_HARMLESS = /^(service-role\/)?(AWSLambdaBasicExecutionRole|AWSLambdaVPCAccessExecutionRole|AmazonECSTaskExecutionRolePolicy|AWSXRayDaemonWriteAccess|CloudWatchAgentServerPolicy|AmazonSSMManagedInstanceCore)$/;

const cdkPath = (t: Template, id: string): string => {
  const p = t.doc.Resources?.[id]?.Metadata?.['aws:cdk:path'] ?? t.paths?.get(id);
  return typeof p === 'string' ? p.replace(/(\/Resource)+$/, '') : `${t.stack}/${id}`;
};

const tagsOf = (r: Resolver, t: Template, tags: unknown): Map<string, string> => {
  const out = new Map<string, string>();
  const resolved = r.resolve(tags, t);
  if (Array.isArray(resolved)) {
    for (const tag of resolved as { Key?: string; Value?: string }[]) {
      if (tag?.Key !== undefined) {
        out.set(String(tag.Key).toLowerCase(), String(tag.Value ?? ''));
      }
    }
  } else if (resolved && typeof resolved === 'object') {
    for (const [k, v] of Object.entries(resolved)) {
      out.set(k.toLowerCase(), String(v));
    }
  }
  return out;
};

function located(doc: unknown, where: string): Located[] {
  return statementsOf(doc).map((st, i) => ({ st, where: `${where} statement ${st.Sid ?? `#${i + 1}`}` }));
}

/**
 * The variants of a raw template value with every `Fn::If` in it taken both ways, and which way each was taken
 * (`IsProd=true`). The condition itself is not evaluated: a statement from a branch only maybe applies.
 */
function ifVariants(v: unknown, limit = 64): { value: unknown; taken: string[] }[] {
  const product = (parts: { key: string | number; vs: { value: unknown; taken: string[] }[] }[], array: boolean) => {
    let acc: { value: any; taken: string[] }[] = [{ value: array ? [] : {}, taken: [] }];
    for (const { key, vs } of parts) {
      acc = acc.flatMap((a) => vs.map((b) => ({ value: array ? [...a.value, b.value] : { ...a.value, [key]: b.value }, taken: [...a.taken, ...b.taken] })));
      if (acc.length > limit) {
        return [{ value: v, taken: [] }];
      }
    }
    return acc;
  };
  if (Array.isArray(v)) {
    return product(v.map((x, i) => ({ key: i, vs: ifVariants(x, limit) })), true);
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const arg = (v as any)['Fn::If'];
    if (keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(arg) && arg.length === 3) {
      const cond = String(arg[0]);
      return [
        ...ifVariants(arg[1], limit).map((x) => ({ value: x.value, taken: [`${cond}=true`, ...x.taken] })),
        ...ifVariants(arg[2], limit).map((x) => ({ value: x.value, taken: [`${cond}=false`, ...x.taken] })),
      ];
    }
    return product(keys.map((k) => ({ key: k, vs: ifVariants((v as any)[k], limit) })), false);
  }
  return [{ value: v, taken: [] }];
}

/** A statement that applies only when the Fn::If conditions were taken that way: an unknown condition key each. */
function ifCondition(st: Statement, taken: string[]): Statement {
  if (taken.length === 0) {
    return st;
  }
  const extra: { [k: string]: string } = {};
  for (const t of taken) {
    const [cond, way] = t.split('=');
    extra[`Fn::If ${cond}`] = way;
  }
  return { ...st, Condition: { ...st.Condition, StringEquals: { ...st.Condition?.StringEquals, ...extra } } };
}

/** One access from two ways to it: either is enough. */
function mergeAccess(a: ReportAccess | undefined, b: ReportAccess | undefined): ReportAccess | undefined {
  if (!a || !b) {
    return a ?? b;
  }
  return {
    workload: a.workload,
    via: [...new Set([...a.via, ...b.via])],
    matched: [...new Set([...a.matched, ...b.matched])],
    wildcard: a.wildcard || b.wildcard,
    certainty: a.certainty === 'yes' || b.certainty === 'yes' ? 'yes' : 'maybe',
    notes: a.certainty === 'yes' ? a.notes : b.certainty === 'yes' ? b.notes : [...new Set([...a.notes, ...b.notes])],
  };
}

/** A KmsKeyId, or undefined when it names the AWS managed key aws/secretsmanager (by alias or alias ARN). */
function customerKey(ref: string): string | undefined {
  return /^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\/secretsmanager$/.test(ref) ? undefined : ref;
}

/** A value that is an `Fn::If` (possibly nested) as its branches; anything else as itself. */
function topIf(v: unknown): { value: unknown; taken: string[] }[] {
  const arg = (v as any)?.['Fn::If'];
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray(arg) && arg.length === 3) {
    return [
      ...topIf(arg[1]).map((x) => ({ value: x.value, taken: [`${arg[0]}=true`, ...x.taken] })),
      ...topIf(arg[2]).map((x) => ({ value: x.value, taken: [`${arg[0]}=false`, ...x.taken] })),
    ];
  }
  return [{ value: v, taken: [] }];
}

/**
 * The statements of a policy document as written in a template: `Fn::If` around the document, its statement list, a
 * statement or a part of one gives both branches (each only maybe applying); a document that is a JSON string (or
 * an Fn::Sub/Fn::Join of one) is parsed.
 */
function policyStatements(r: Resolver, t: Template, raw: unknown, warnings: string[], where: string): Located[] {
  const out: Located[] = [];
  for (const d of topIf(raw)) {
    let doc: any = d.value;
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Object.keys(doc).some((k) => k === 'Ref' || k.startsWith('Fn::'))) {
      doc = r.resolve(doc, t);
    }
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc);
      } catch {
        warnings.push(`${where}: policy document is a string that is not JSON: not evaluated`);
        continue;
      }
    }
    for (const l of topIf(doc?.Statement)) {
      const entries: unknown[] = l.value === undefined || l.value === null ? [] : Array.isArray(l.value) ? l.value : [l.value];
      entries.forEach((entry, i) => {
        for (const v of ifVariants(entry)) {
          const taken = [...d.taken, ...l.taken, ...v.taken];
          for (const st of statementsOf({ Statement: r.resolve(v.value, t) })) {
            out.push({ st: ifCondition(st, taken), where: `${where} statement ${st.Sid ?? `#${i + 1}`}${taken.length > 0 ? ` (if ${taken.join(', ')})` : ''}` });
          }
        }
      });
    }
  }
  return out;
}

/** The part of a resource pattern that is not the secret suffix placeholder, to tell an exact ARN from a wildcard. */
function isWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern.replace(/-\?{6}$/, '')) || pattern.startsWith('NotResource');
}

/** Read the access report of CloudFormation templates (one assembly). */
export function awsAccess(templates: Template[]): AccessReport {
  const r = new Resolver(templates);
  const warnings: string[] = [];
  const secrets: SecretInfo[] = [];
  const keys: KeyInfo[] = [];
  const principals = new Map<string, Principal>();
  const rotation = new Map<string, string>();
  const byName = new Map<string, Principal>();
  const managedByArn = new Map<string, { docs: Located[]; where: string }>();
  const attachments: { names: string[]; docs: Located[]; t: Template }[] = [];
  const managedRefs: { owner: Principal; arns: { arn: string; taken: string[] }[]; where: string }[] = [];
  const uses = new Map<string, { kind: string; name: string }>();
  /** Group memberships: user name (or the user itself) and group name. */
  const memberships: { user: Principal | string; group: string; where: string }[] = [];

  // 1. Resources.
  for (const t of templates) {
    for (const [id, res] of Object.entries(t.doc.Resources ?? {}) as [string, any][]) {
      const p = res?.Properties ?? {};
      switch (res?.Type) {
        case 'AWS::SecretsManager::Secret': {
          const arn = r.secretArn(id, t);
          secrets.push({
            t, id, arn, name: r.secretName(id, t), account: r.account(t), region: r.region(t),
            keyRef: p.KmsKeyId !== undefined ? customerKey(r.str(p.KmsKeyId, t)) : undefined, tags: tagsOf(r, t, p.Tags), policy: [],
          });
          break;
        }
        case 'AWS::KMS::Key':
          keys.push({
            t, id, arn: r.keyArn(id, t), keyId: r.keyId(id, t), account: r.account(t), region: r.region(t), aliases: [],
            policy: policyStatements(r, t, p.KeyPolicy, warnings, `${cdkPath(t, id)} (key policy)`), tags: tagsOf(r, t, p.Tags),
          });
          break;
        case 'AWS::IAM::Role':
        case 'AWS::IAM::User':
        case 'AWS::IAM::Group': {
          let kind = res.Type === 'AWS::IAM::Role' ? 'IAM role' : res.Type === 'AWS::IAM::User' ? 'IAM user' : 'IAM group';
          const arn = r.iamArn(id, t);
          const binding: { [k: string]: string[] } = {};
          // Each Allow statement of the trust policy is one way to become the role (statements are OR-ed).
          const alternatives: { [k: string]: string[] }[] = [];
          for (const st of statementsOf(r.resolve(p.AssumeRolePolicyDocument, t))) {
            if (st.Effect !== 'Allow') {
              continue;
            }
            const alt: { [k: string]: string[] } = {};
            const pr = st.NotPrincipal !== undefined ? '*' : st.Principal;
            for (const [k, v] of Object.entries(typeof pr === 'object' && pr ? pr : { AWS: pr })) {
              (alt[`principal ${k}`] ??= []).push(...list(v));
            }
            for (const [op, block] of Object.entries(st.Condition ?? {})) {
              for (const [k, v] of Object.entries(block ?? {})) {
                (alt[`${op} ${k}`] ??= []).push(...list(v));
              }
            }
            alternatives.push(alt);
            for (const [k, v] of Object.entries(alt)) {
              (binding[k] ??= []).push(...v.filter((x) => !binding[k].includes(x)));
            }
          }
          if (res.Type === 'AWS::IAM::User') {
            binding.groups = list(r.resolve(p.Groups, t));
          }
          const self = (): Principal => principals.get(cdkPath(t, id))!;
          if ((binding['principal Federated'] ?? []).some((f) => /token\.actions\.githubusercontent\.com/.test(f))) {
            // Who may assume it is in the trust policy's token.actions.githubusercontent.com:sub (repository, ref, environment).
            kind = 'GitHub Actions (IAM role)';
          }
          const identity: Located[] = [];
          for (const pol of (p.Policies ?? []) as any[]) {
            identity.push(...policyStatements(r, t, pol?.PolicyDocument, warnings, `${cdkPath(t, id)} inline policy ${r.str(pol?.PolicyName, t)}`));
          }
          const pr: Principal = {
            workload: { id: cdkPath(t, id), kind, name: cdkPath(t, id), account: r.account(t), binding, ...(res.Type === 'AWS::IAM::Role' ? { alternatives } : {}) },
            arn, account: r.account(t), identity, notes: [],
            trust: res.Type === 'AWS::IAM::Role' ? statementsOf(r.resolve(p.AssumeRolePolicyDocument, t)) : undefined,
            boundaryArn: p.PermissionsBoundary !== undefined ? r.str(p.PermissionsBoundary, t) : undefined,
          };
          principals.set(pr.workload.id, pr);
          byName.set(`${res.Type}|${r.iamName(id, t)}`, pr);
          if (res.Type === 'AWS::IAM::User') {
            binding.groups.forEach((g) => memberships.push({ user: self(), group: g, where: cdkPath(t, id) }));
          }
          if (p.ManagedPolicyArns !== undefined) {
            // An Fn::If around an ARN (or the list): both branches, each as a statement that only maybe applies.
            const arns = ifVariants(p.ManagedPolicyArns).flatMap((v) => list(r.resolve(v.value, t)).map((arn) => ({ arn, taken: v.taken })));
            managedRefs.push({ owner: pr, arns, where: cdkPath(t, id) });
          }
          break;
        }
        case 'AWS::IAM::ManagedPolicy': {
          const docs = policyStatements(r, t, p.PolicyDocument, warnings, `${cdkPath(t, id)} (managed policy)`);
          managedByArn.set(r.managedPolicyArn(id, t), { docs, where: `${cdkPath(t, id)} (managed policy)` });
          attachments.push({ names: attachedNames(r, t, p), docs, t });
          break;
        }
        case 'AWS::IAM::Policy':
          attachments.push({ names: attachedNames(r, t, p), docs: policyStatements(r, t, p.PolicyDocument, warnings, `${cdkPath(t, id)} (inline policy ${r.str(p.PolicyName, t)})`), t });
          break;
        case 'AWS::IAM::RolePolicy':
        case 'AWS::IAM::UserPolicy':
        case 'AWS::IAM::GroupPolicy': {
          const kind = res.Type.slice('AWS::IAM::'.length, -'Policy'.length);
          const name = r.str(p[`${kind}Name`], t);
          attachments.push({ names: [`AWS::IAM::${kind}|${name}`], docs: policyStatements(r, t, p.PolicyDocument, warnings, `${cdkPath(t, id)} (inline policy ${r.str(p.PolicyName, t)})`), t });
          break;
        }
        case 'AWS::IAM::UserToGroupAddition':
          for (const u of list(r.resolve(p.Users, t))) {
            memberships.push({ user: u, group: r.str(p.GroupName, t), where: cdkPath(t, id) });
          }
          break;
        case 'AWS::Lambda::Function':
          uses.set(r.str(p.Role, t), { kind: 'Lambda function', name: cdkPath(t, id) });
          break;
        case 'AWS::ECS::TaskDefinition':
          if (p.TaskRoleArn !== undefined) {
            uses.set(r.str(p.TaskRoleArn, t), { kind: 'ECS task role', name: cdkPath(t, id) });
          }
          if (p.ExecutionRoleArn !== undefined) {
            uses.set(r.str(p.ExecutionRoleArn, t), { kind: 'ECS task execution role', name: cdkPath(t, id) });
          }
          break;
      }
    }
  }

  // 2. What refers to secrets and keys: resource policies, rotation schedules, aliases.
  const secretByRef = new Map<string, SecretInfo>();
  for (const s of secrets) {
    secretByRef.set(s.arn, s);
    secretByRef.set(`${s.account}|${s.region}|${s.name}`, s);
  }
  const findSecret = (t: Template, ref: string) => secretByRef.get(ref) ?? secretByRef.get(`${r.account(t)}|${r.region(t)}|${ref}`);
  for (const t of templates) {
    for (const [id, res] of Object.entries(t.doc.Resources ?? {}) as [string, any][]) {
      const p = res?.Properties ?? {};
      if (res?.Type === 'AWS::SecretsManager::ResourcePolicy') {
        const s = findSecret(t, r.str(p.SecretId, t));
        if (s) {
          s.policy.push(...policyStatements(r, t, p.ResourcePolicy, warnings, `${cdkPath(t, id)} (secret resource policy)`));
        } else {
          warnings.push(`${t.stack}/${id}: resource policy of ${r.str(p.SecretId, t)}, a secret not in the output: not evaluated`);
        }
      } else if (res?.Type === 'AWS::SecretsManager::RotationSchedule') {
        const s = findSecret(t, r.str(p.SecretId, t));
        if (s) {
          rotation.set(s.arn, rotationText(r, t, p));
        }
      } else if (res?.Type === 'AWS::KMS::Alias') {
        const target = r.str(p.TargetKeyId, t);
        const k = keys.find((x) => x.arn === target || x.keyId === target);
        k?.aliases.push(r.str(p.AliasName, t));
      }
    }
  }

  // 3. Identity policies onto their principals.
  for (const a of attachments) {
    for (const n of a.names) {
      let pr = byName.get(n);
      if (!pr && unresolved(n)) {
        warnings.push(`a policy is attached to ${n.split('|')[1]}, which cannot be resolved within the output: not evaluated`);
        continue;
      }
      if (!pr) {
        // A role, user or group attached by name but defined elsewhere (iam.Role.fromRoleName + a grant): a workload
        // of its own; only the policies the output attaches to it are known.
        const [type, name] = n.split('|');
        const kind = type === 'AWS::IAM::Role' ? 'IAM role' : type === 'AWS::IAM::User' ? 'IAM user' : 'IAM group';
        const account = r.account(a.t);
        const arn = `arn:${r.partition(a.t)}:iam::${account}:${kind.slice(4)}/${name}`;
        pr = {
          workload: { id: arn, kind, name: `${kind} ${name} (defined outside the output)`, account, binding: {} },
          arn, account, identity: [],
          notes: [`${kind} defined outside the output: only the policies the output attaches to it are known${kind === 'IAM group' ? '; its members are unknown' : ''}`],
        };
        principals.set(arn, pr);
        byName.set(n, pr);
      }
      pr.identity!.push(...a.docs);
    }
  }
  for (const m of managedRefs) {
    for (const { arn, taken } of m.arns) {
      const inOutput = managedByArn.get(arn);
      const awsName = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
      const tag = taken.length > 0 ? ` if ${taken.join(', ')}` : '';
      if (inOutput) {
        if (!m.owner.identity!.some((l) => l.where.startsWith(inOutput.where))) {
          m.owner.identity!.push(...inOutput.docs.map((l) => ({ st: ifCondition(l.st, taken), where: `${l.where}${tag}` })));
        }
      } else if (awsName !== undefined && AWS_MANAGED[awsName.replace(/^.*\//, '')]) {
        m.owner.identity!.push(...located({ Statement: AWS_MANAGED[awsName.replace(/^.*\//, '')].map((st) => ifCondition(st, taken)) }, `AWS managed policy ${awsName}${tag}`));
      } else if (awsName === undefined || !AWS_MANAGED_HARMLESS.test(awsName)) {
        warnings.push(`${m.where}: managed policy ${arn} is not in the output: not evaluated`);
      }
    }
  }

  // 3a. Permissions boundaries: an identity allow must be allowed by the boundary too.
  for (const pr of principals.values()) {
    if (pr.boundaryArn === undefined) {
      continue;
    }
    const inOutput = managedByArn.get(pr.boundaryArn);
    const awsName = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(pr.boundaryArn)?.[1];
    if (inOutput) {
      pr.boundary = inOutput.docs;
    } else if (awsName !== undefined && AWS_MANAGED[awsName]) {
      pr.boundary = located({ Statement: AWS_MANAGED[awsName] }, `AWS managed policy ${awsName}`);
    } else {
      pr.notes.push(`permissions boundary ${pr.boundaryArn} is not in the output: not applied (it can only narrow)`);
    }
  }

  // 3b. Members of a group hold its policies.
  for (const m of memberships) {
    const user = typeof m.user === 'string' ? byName.get(`AWS::IAM::User|${m.user}`) : m.user;
    const group = byName.get(`AWS::IAM::Group|${m.group}`);
    if (!user || !group) {
      warnings.push(`${m.where}: ${typeof m.user === 'string' ? `user ${m.user}` : m.user.workload.name} is a member of group ${m.group}, `
        + `but the ${!user ? 'user' : 'group'} is not in the output: the group's access is not evaluated for it`);
      continue;
    }
    if (!(user.workload.binding.groups ?? []).includes(m.group)) {
      (user.workload.binding.groups ??= []).push(m.group);
    }
    user.identity!.push(...group.identity!.map((l) => ({ st: l.st, where: `${l.where} (member of group ${m.group})` })));
  }

  // 4. Workload kinds from what uses each role.
  for (const pr of [...principals.values()]) {
    const use = pr.arn !== undefined ? uses.get(pr.arn) : undefined;
    if (use) {
      principals.set(pr.workload.id, { ...pr, workload: { ...pr.workload, kind: use.kind, name: use.name } });
    }
  }

  // 5. Principals named in resource and key policies that are not roles of the output.
  const inOutput = new Set([...principals.values()].map((p) => p.arn));
  const addNamed = (pr: unknown, ownAccount: string) => {
    if (pr === '*' || (typeof pr === 'object' && pr !== null && list((pr as any).AWS).includes('*'))) {
      // Any caller: any principal of the resource's account (whose identity policies are unknown) and any principal
      // of any other account.
      principals.set(`*:${ownAccount}`, {
        workload: { id: `*:${ownAccount}`, kind: 'any principal', name: `any principal of account ${ownAccount} (*, identity unknown)`, account: ownAccount, binding: {} },
        account: ownAccount, anyOf: { account: ownAccount, side: 'same' }, notes: ['a resource or key policy names every principal (*)'],
      });
      principals.set(`*:not-${ownAccount}`, {
        workload: { id: `*:not-${ownAccount}`, kind: 'any principal', name: `any principal of any account but ${ownAccount} (*)`, binding: {} },
        anyOf: { account: ownAccount, side: 'other' }, notes: ['a resource or key policy names every principal (*)', 'if the caller\'s own account allows it'],
      });
      return;
    }
    if (typeof pr !== 'object' || pr === null) {
      return;
    }
    for (const a of list((pr as any).AWS)) {
      const account = accountPrincipal(a) ?? /^arn:[^:]+:(?:iam|sts)::([^:]+):/.exec(a)?.[1];
      if (inOutput.has(a) || (accountPrincipal(a) !== undefined && account === ownAccount)) {
        continue;
      }
      const whole = accountPrincipal(a) !== undefined;
      const id = whole ? `account:${account}` : a;
      if (!principals.has(id)) {
        principals.set(id, {
          workload: { id, kind: whole ? 'AWS account' : 'AWS IAM principal', name: whole ? `any principal of account ${account}` : a, account, binding: {} },
          arn: whole ? undefined : a, account, notes: [account === ownAccount ? 'its identity policies are not in the output' : `if account ${account}'s own IAM policies allow it`],
        });
      }
    }
    for (const svc of list((pr as any).Service)) {
      principals.set(`service:${svc}`, { workload: { id: `service:${svc}`, kind: 'AWS service', name: svc, binding: {} }, service: svc, notes: [] });
    }
  };
  // Allow with NotPrincipal allows every caller but the ones it names: the same as `*`.
  const named = (st: Statement) => (st.NotPrincipal !== undefined ? '*' : st.Principal);
  for (const s of secrets) {
    s.policy.filter((l) => l.st.Effect === 'Allow').forEach((l) => addNamed(named(l.st), s.account));
  }
  for (const k of keys) {
    k.policy.filter((l) => l.st.Effect === 'Allow').forEach((l) => addNamed(named(l.st), k.account));
  }

  // 6. Evaluate.
  const all = [...principals.values()];
  const keyOf = (ref: string | undefined): KeyInfo | undefined =>
    ref === undefined ? undefined : keys.find((k) => k.arn === ref || k.keyId === ref || k.aliases.includes(ref) || k.aliases.some((a) => ref.endsWith(`:${a}`)));
  const resources: ReportResource[] = [];
  // A replica is a secret of its own in another region (same name, account, tags and resource policy as the primary,
  // encrypted under the replica's key): it is read with the same statements, evaluated for its ARN and key.
  const withReplicas = secrets.flatMap((s) => {
    const replicas = r.resolve(s.t.doc.Resources[s.id].Properties?.ReplicaRegions, s.t);
    return [s, ...(Array.isArray(replicas) ? replicas as { Region?: string; KmsKeyId?: string }[] : []).filter((x) => typeof x?.Region === 'string').map((x): SecretInfo => ({
      ...s,
      region: x.Region!,
      arn: s.arn.replace(`:secretsmanager:${s.region}:`, `:secretsmanager:${x.Region}:`),
      keyRef: x.KmsKeyId === undefined ? undefined : customerKey(x.KmsKeyId),
      replicaOf: s.arn,
    }))];
  });
  for (const s of withReplicas) {
    const key = keyOf(s.keyRef);
    const readers: ReportAccess[] = [];
    const writers: ReportAccess[] = [];
    for (const pr of all.filter((x) => x.anyOf === undefined || x.anyOf.account === s.account)) {
      for (const [mode, out] of [['read', readers], ['write', writers]] as const) {
        // A writer sets the value with PutSecretValue or UpdateSecret (with SecretString); either is enough.
        const a = mode === 'read' ? secretAccess(pr, s, key, 'secretsmanager:GetSecretValue')
          : mergeAccess(secretAccess(pr, s, key, 'secretsmanager:PutSecretValue'), secretAccess(pr, s, key, 'secretsmanager:UpdateSecret'));
        if (a) {
          out.push(a);
        }
      }
    }
    resources.push({
      id: s.arn.replace(/-\uE000{6}$/, ''),
      kind: 'aws-secret',
      name: s.replicaOf ? `${s.name} (replica in ${s.region})` : s.name,
      location: `${s.t.stack}/${s.id}`,
      account: s.account,
      key: key ? keyEntryId(key) : s.keyRef ?? 'aws/secretsmanager (AWS managed key)',
      rotation: (s.replicaOf ? 'with the primary: ' : '') + (rotation.get(s.replicaOf ?? s.arn) ?? `not rotated${s.tags.has('keyward:rotation') ? ` (declared: ${s.tags.get('keyward:rotation')})` : ''}`),
      retention: retentionText(s.t.doc.Resources[s.id]),
      readers,
      writers,
      notes: s.replicaOf ? [`replica of ${s.replicaOf.replace(/-\uE000{6}$/, '')}: same tags and resource policy`] : [],
    });
  }
  for (const k of keys) {
    const readers: ReportAccess[] = [];
    const writers: ReportAccess[] = [];
    for (const pr of all.filter((x) => x.anyOf === undefined || x.anyOf.account === k.account)) {
      const d = keyAccess(pr, k, 'kms:Decrypt', undefined);
      if (d) {
        readers.push(d);
      }
      const e = keyAccess(pr, k, 'kms:Encrypt', undefined);
      if (e) {
        writers.push(e);
      }
    }
    const p = k.t.doc.Resources[k.id].Properties ?? {};
    const enabled = r.str(p.EnableKeyRotation, k.t) === 'true';
    resources.push({
      id: keyEntryId(k),
      kind: 'kms-key',
      name: k.aliases[0] ?? cdkPath(k.t, k.id),
      location: `${k.t.stack}/${k.id}`,
      account: k.account,
      rotation: enabled ? `key material rotated every ${p.RotationPeriodInDays !== undefined ? r.str(p.RotationPeriodInDays, k.t) : 365} days` : 'key material not rotated',
      retention: `${retentionText(k.t.doc.Resources[k.id])}; deletion waits ${p.PendingWindowInDays !== undefined ? r.str(p.PendingWindowInDays, k.t) : 30} days`,
      readers,
      writers,
      notes: [],
    });
  }
  // Tagging a secret widens access only where grants match resource tags (tag mode).
  const byTag = (l: Located) => Object.values(l.st.Condition ?? {}).some((block) => Object.keys(block ?? {}).some((k) => /resourcetag\//i.test(k)));
  const tagGrants = all.some((p) => (p.identity ?? []).some(byTag)) || secrets.some((s) => s.policy.some(byTag));
  const escalations = new Map(all.map((p) => [p.workload.id, escalation(p)]));
  return {
    sources: [], resources, warnings,
    workloads: all.map((p) => (escalations.get(p.workload.id)!.length > 0 ? { ...p.workload, escalation: escalations.get(p.workload.id) } : p.workload)),
  };

  /** Ways a principal's own policies let it widen its access (see ReportWorkload.escalation). */
  function escalation(pr: Principal): string[] {
    if (!pr.identity) {
      return [];
    }
    const out: string[] = [];
    const allows = (action: string, resource: string) => identityEvaluate(pr, request(pr, action, resource, () => undefined), new Set()).allow !== 'no';
    // kms:CreateGrant as the key policy and identity policies decide it (a key policy naming the role is enough).
    const grantAllowed = (ls: Located[] | undefined) => relevant(ls, 'kms:CreateGrant').some((l) => l.st.Effect === 'Allow');
    const grants = (k: KeyInfo) => (grantAllowed(pr.identity) || grantAllowed(k.policy))
      && keyAccess(pr, k, 'kms:CreateGrant', undefined) !== undefined;
    for (const k of keys.filter((x) => x.account === pr.account && grants(x))) {
      out.push(`kms:CreateGrant on ${k.aliases[0] ?? cdkPath(k.t, k.id)}`);
    }
    for (const s of secrets.filter((x) => x.account === pr.account)) {
      for (const action of ['secretsmanager:PutResourcePolicy', ...(tagGrants ? ['secretsmanager:TagResource'] : [])]) {
        // Only an Allow can grant it: skip the evaluation when no statement of either side allows the action at all.
        const allowing = (ls: Located[] | undefined) => relevant(ls, action).some((l) => l.st.Effect === 'Allow');
        if (!allowing(pr.identity) && !allowing(s.policy)) {
          continue;
        }
        const req = secretRequest(pr, s, action);
        const unknown = new Set<string>();
        const id = identityEvaluate(pr, req, unknown);
        const rp = resourcePolicy(s.policy, req, unknown);
        if (and(or(id.allow, rp.direct), not(or(id.deny, rp.deny))) !== 'no') {
          out.push(`${action} on ${s.name}${action.endsWith('TagResource') ? ' (can match tag-mode grants)' : ''}`);
        }
      }
    }
    if (pr.arn !== undefined) {
      const own = /:role\//.test(pr.arn) ? 'Role' : /:user\//.test(pr.arn) ? 'User' : 'Group';
      for (const action of [`iam:Put${own}Policy`, `iam:Attach${own}Policy`, ...(own === 'Role' ? ['iam:UpdateAssumeRolePolicy'] : []), ...(pr.boundaryArn ? [`iam:Delete${own}PermissionsBoundary`] : [])]) {
        if (allows(action, pr.arn)) {
          out.push(`${action} on itself`);
        }
      }
    }
    // Role chaining: a role of the output that trusts this principal, or its whole account (then its IAM policy decides).
    for (const other of all.filter((x) => x.trust && x.arn !== undefined && x !== pr)) {
      const names = (st: Statement) => st.Effect === 'Allow' && actionMatches(st, 'sts:AssumeRole') && list((st.Principal as any)?.AWS ?? (st.Principal === '*' ? '*' : undefined)).some((a) =>
        a === '*' || a === pr.arn || (accountPrincipal(a) !== undefined && accountPrincipal(a) === pr.account));
      if (other.trust!.some(names) && allows('sts:AssumeRole', other.arn!)) {
        out.push(`sts:AssumeRole of ${other.workload.name} (role chaining: it gets that role's access)`);
      } else if (other.trust!.some((st) => st.Effect === 'Allow' && list((st.Principal as any)?.AWS).includes(pr.arn ?? '\u0000'))) {
        out.push(`sts:AssumeRole of ${other.workload.name} (its trust policy names this principal: role chaining)`);
      }
    }
    return out;
  }

  function secretRequest(pr: Principal, s: SecretInfo, action: string): PolicyRequest {
    return request(pr, action, s.arn, (key) => {
      const tag = /^(?:secretsmanager|aws):resourcetag\/(.+)$/.exec(key)?.[1];
      if (tag !== undefined) {
        const v = s.tags.get(tag);
        return v === undefined ? [] : [v];
      }
      switch (key) {
        case 'secretsmanager:secretid':
          return [s.arn];
        case 'aws:resourceaccount':
          return [s.account];
        case 'aws:requestedregion':
          return [s.region];
      }
      return undefined;
    });
  }

  function secretAccess(pr: Principal, s: SecretInfo, key: KeyInfo | undefined, action: string): ReportAccess | undefined {
    const mode = action === 'secretsmanager:GetSecretValue' ? 'read' : 'write';
    const req = secretRequest(pr, s, action);
    const unknown = new Set<string>();
    const id = identityEvaluate(pr, req, unknown);
    if (id.allow === 'no' && !s.policy.some((l) => l.st.Effect === 'Allow' && actionMatches(l.st, req.action))) {
      return undefined;
    }
    const notes = [...pr.notes];
    const rp = resourcePolicy(s.policy, req, unknown);
    // Same account: an identity policy or a resource-policy statement naming the caller is enough. Another account:
    // the resource policy must allow the caller (or its account) and the caller's own account must allow it too.
    let allowed = pr.account === s.account ? or(pr.identity === undefined ? 'no' : id.allow, rp.direct) : and(pr.identity === undefined ? 'yes' : id.allow, rp.any);
    allowed = and(allowed, not(or(id.deny, rp.deny)));
    const rpVia = rp.direct !== 'no' || pr.account !== s.account ? rp.via : [];
    if (allowed === 'no') {
      return undefined;
    }
    const kms = secretKeyAccess(pr, s, key, mode === 'read' ? 'kms:Decrypt' : 'kms:GenerateDataKey', unknown, notes);
    allowed = and(allowed, kms.allowed);
    if (allowed === 'no') {
      return undefined;
    }
    // Resource and key policies say `Resource: "*"` for the resource they are attached to: only identity policies match by pattern.
    const matched = [...new Set(id.matched)];
    return {
      workload: pr.workload.id,
      via: [...new Set([...id.via, ...rpVia, ...kms.via])],
      matched: matched.map((m) => m.replace(/\uE000/g, '?')),
      wildcard: matched.some(isWildcard),
      certainty: allowed,
      notes: [...new Set([...notes, ...[...unknown].map((u) => `depends on ${u}`)])],
    };
  }

  function secretKeyAccess(pr: Principal, s: SecretInfo, key: KeyInfo | undefined, action: string, unknown: Set<string>, notes: string[]): { allowed: Tri; via: string[] } {
    const context = (k: string): ContextValue | undefined => {
      switch (k) {
        case 'kms:viaservice':
          return [`secretsmanager.${s.region}.amazonaws.com`];
        case 'kms:encryptioncontext:secretarn':
          return [s.arn];
        case 'kms:encryptioncontextkeys':
          return ['SecretARN', 'SecretVersionId'];
      }
      return undefined;
    };
    if (s.keyRef === undefined) {
      // aws/secretsmanager: any principal of the secret's account, through Secrets Manager only; never another account.
      return { allowed: pr.account === s.account ? 'yes' : 'no', via: [] };
    }
    if (key) {
      const a = keyAccess(pr, key, action, context, unknown, true);
      return a ? { allowed: a.certainty, via: a.via } : { allowed: 'no', via: [] };
    }
    // A key outside the output: its key policy is unknown; assume it lets the account's IAM policies decide.
    notes.push(`the key policy of ${s.keyRef} is not in the output`);
    if (pr.identity === undefined) {
      return { allowed: 'maybe', via: [] };
    }
    const id = identityEvaluate(pr, request(pr, action, s.keyRef, context), unknown);
    return { allowed: and(id.allow, not(id.deny)), via: id.via };
  }

  function keyAccess(pr: Principal, k: KeyInfo, action: string, extra: ((key: string) => ContextValue | undefined) | undefined, unknown = new Set<string>(), viaSecret = false): ReportAccess | undefined {
    const req = request(pr, action, k.arn, (key) => {
      const tag = /^aws:resourcetag\/(.+)$/.exec(key)?.[1];
      if (tag !== undefined) {
        const v = k.tags.get(tag);
        return v === undefined ? [] : [v];
      }
      return extra?.(key) ?? (key === 'aws:resourceaccount' ? [k.account] : undefined);
    });
    const id = identityEvaluate(pr, req, unknown);
    const kp = resourcePolicy(k.policy, req, unknown);
    // The key policy always decides: it names the caller, or names its account and the caller's identity policy allows.
    // Any principal of the key's account (`*` in a secret's resource policy) reads through the key when the key policy
    // hands the decision to the account and that principal's IAM policies (not in the output) allow it: maybe.
    const anyHere = viaSecret && pr.anyOf?.side === 'same';
    if (anyHere && kp.any !== 'no' && kp.direct === 'no') {
      unknown.add(`the caller's IAM policies allowing ${action} on ${k.aliases[0] ?? k.arn}`);
    }
    const identityAllow: Tri = pr.identity === undefined ? (pr.account === k.account ? (anyHere ? 'maybe' : 'no') : 'yes') : id.allow;
    let allowed = pr.account === k.account ? or(kp.direct, and(kp.any, identityAllow)) : and(kp.any, identityAllow);
    allowed = and(allowed, not(or(id.deny, kp.deny)));
    if (allowed === 'no') {
      return undefined;
    }
    return {
      workload: pr.workload.id,
      via: [...new Set([...id.via, ...kp.via])],
      matched: [...new Set(id.matched)],
      wildcard: [...id.matched].some(isWildcard),
      certainty: allowed,
      notes: [...new Set([...pr.notes, ...[...unknown].map((u) => `depends on ${u}`)])],
    };
  }
}

/** A principal's identity policies for a request, within its permissions boundary when the output holds it. */
function identityEvaluate(pr: Principal, req: PolicyRequest, unknown: Set<string>): { allow: Tri; deny: Tri; via: string[]; matched: string[] } {
  const id = evaluate(pr.identity, req, false, unknown);
  if (!pr.boundary || id.allow === 'no') {
    return id;
  }
  const b = evaluate(pr.boundary, req, false, unknown);
  return { ...id, allow: and(id.allow, b.allow), via: [...id.via, ...b.via.map((v) => `${v} (permissions boundary)`)] };
}

/**
 * A resource or key policy for a caller: `direct` when a statement names the caller itself (or every principal),
 * `any` when one names the caller or its account (`arn:…:root`, which for the policy's own account only hands the
 * decision to the account's identity policies).
 */
function resourcePolicy(statements: Located[], req: PolicyRequest, unknown: Set<string>): { direct: Tri; any: Tri; deny: Tri; via: string[] } {
  const direct = evaluate(statements, { ...req, principalAccount: undefined }, true, unknown);
  const all = evaluate(statements, req, true, unknown);
  return { direct: direct.allow, any: all.allow, deny: all.deny, via: all.via };
}

function keyEntryId(k: KeyInfo): string {
  return `kms:${cdkPath(k.t, k.id)}`;
}

function attachedNames(r: Resolver, t: Template, p: any): string[] {
  return [
    ...list(r.resolve(p.Roles, t)).map((n) => `AWS::IAM::Role|${n}`),
    ...list(r.resolve(p.Users, t)).map((n) => `AWS::IAM::User|${n}`),
    ...list(r.resolve(p.Groups, t)).map((n) => `AWS::IAM::Group|${n}`),
  ];
}

function request(pr: Principal, action: string, resource: string, specific: (key: string) => ContextValue | undefined): PolicyRequest {
  return {
    action,
    resource,
    principalArn: pr.arn,
    principalAccount: pr.account,
    service: pr.service,
    context: (key) => {
      const v = specific(key);
      if (v !== undefined) {
        return v;
      }
      switch (key) {
        case 'aws:principalaccount':
        case 'kms:calleraccount':
          if (pr.anyOf?.side === 'other') {
            return { except: [pr.anyOf.account] };
          }
          return pr.account !== undefined && !pr.account.includes('«') ? [pr.account] : 'unknown';
        case 'aws:principalarn':
          return pr.arn !== undefined && !unresolved(pr.arn) ? [pr.arn] : 'unknown';
        case 'aws:principalisawsservice':
          return pr.service !== undefined ? ['true'] : pr.anyOf !== undefined ? 'unknown' : ['false'];
        case 'aws:principalservicename':
          return pr.service !== undefined ? [pr.service] : pr.anyOf !== undefined ? 'unknown' : [];
        case 'aws:securetransport':
          return ['true'];
        case 'aws:tagkeys':
          return [];
      }
      return key.startsWith('aws:requesttag/') ? [] : 'unknown';
    },
  };
}

const relevantCache = new WeakMap<Located[], Map<string, Located[]>>();

/** The statements whose Action (or NotAction) covers the action, computed once per statement list and action. */
function relevant(statements: Located[] | undefined, action: string): Located[] {
  if (!statements) {
    return [];
  }
  let byAction = relevantCache.get(statements);
  if (!byAction) {
    byAction = new Map();
    relevantCache.set(statements, byAction);
  }
  let out = byAction.get(action);
  if (!out) {
    out = statements.filter((l) => actionMatches(l.st, action));
    byAction.set(action, out);
  }
  return out;
}

/** Allow and Deny of a set of statements for a request; `principal` when the statements are a resource policy. */
function evaluate(statements: Located[] | undefined, req: PolicyRequest, principal: boolean, unknown: Set<string>): { allow: Tri; deny: Tri; via: string[]; matched: string[] } {
  let allow: Tri = 'no';
  let deny: Tri = 'no';
  const via: string[] = [];
  const matched: string[] = [];
  for (const { st, where } of relevant(statements, req.action)) {
    const patterns = resourceMatches(st, req.resource);
    if (patterns.length === 0 && !(principal && st.Resource === undefined && st.NotResource === undefined)) {
      continue;
    }
    let applies: Tri = principal ? principalMatches(st, req) : 'yes';
    if (applies === 'no') {
      continue;
    }
    const own = new Set<string>();
    applies = and(applies, conditionHolds(st, req, own));
    if (applies === 'no') {
      continue;
    }
    if (st.Effect === 'Deny') {
      deny = or(deny, applies);
      if (applies === 'maybe') {
        own.forEach((u) => unknown.add(`a Deny (${where}) on ${u}`));
      }
    } else if (st.Effect === 'Allow') {
      allow = or(allow, applies);
      own.forEach((u) => unknown.add(u));
      via.push(where);
      matched.push(...patterns);
    }
  }
  // A Deny that only maybe applies does not take away an Allow in the report: the report shows who may have access.
  return { allow, deny: deny === 'maybe' ? 'no' : deny, via, matched };
}

function retentionText(res: any): string {
  const d = res?.DeletionPolicy ?? 'Delete';
  const u = res?.UpdateReplacePolicy ?? 'Delete';
  return d === u ? `${d} on delete and replace` : `${d} on delete, ${u} on replace`;
}

function rotationText(r: Resolver, t: Template, p: any): string {
  const rules = r.resolve(p.RotationRules, t) as { ScheduleExpression?: string; AutomaticallyAfterDays?: string } | undefined;
  const every = rules?.ScheduleExpression ?? (rules?.AutomaticallyAfterDays !== undefined ? `every ${rules.AutomaticallyAfterDays} days` : 'on an unknown schedule');
  const hosted = p.HostedRotationLambda ? r.str(p.HostedRotationLambda.RotationType, t) : undefined;
  const by = hosted !== undefined ? `hosted rotation ${hosted}` : p.RotationLambdaARN !== undefined ? `rotation function ${r.str(p.RotationLambdaARN, t)}` : 'rotation';
  return `${by}, ${every}`;
}

