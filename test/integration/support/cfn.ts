/** Deploying a synthesized template to moto's CloudFormation, with every change to the template named. */
import {
  CloudFormationClient, CreateStackCommand, DescribeStacksCommand, ListStackResourcesCommand, StackResourceSummary,
} from '@aws-sdk/client-cloudformation';

export interface Adaptation {
  readonly what: string;
  readonly why: string;
}

/**
 * What moto cannot deploy, removed from a copy of the template. Everything removed is returned so the test prints it;
 * the Keyward resources under test (keys, secrets, resource policies, roles, managed policies) are never touched.
 */
export function adaptForMoto(original: any): { template: any; adaptations: Adaptation[] } {  
  const template = JSON.parse(JSON.stringify(original));
  const adaptations: Adaptation[] = [];
  if (template.Transform) {
    adaptations.push({ what: `Transform ${JSON.stringify(template.Transform)}`, why: 'moto runs no CloudFormation transforms (this one expands hosted rotation into a SAM application)' });
    delete template.Transform;
  }
  if (template.Rules?.CheckBootstrapVersion) {
    adaptations.push({ what: 'Rules.CheckBootstrapVersion', why: 'the CDK bootstrap stack (SSM parameter /cdk-bootstrap/...) is not deployed to moto' });
    delete template.Rules.CheckBootstrapVersion;
    if (Object.keys(template.Rules).length === 0) delete template.Rules;
  }
  if (template.Parameters?.BootstrapVersion) {
    adaptations.push({ what: 'Parameters.BootstrapVersion', why: 'an SSM parameter type resolved from the CDK bootstrap stack' });
    delete template.Parameters.BootstrapVersion;
  }
  const removed = new Set<string>();
  const serviceTokens = new Set<string>();
  for (const [id, r] of Object.entries<any>(template.Resources)) {  
    if (r.Type === 'AWS::SecretsManager::RotationSchedule' && r.Properties?.HostedRotationLambda) {
      adaptations.push({ what: `${id} (AWS::SecretsManager::RotationSchedule with HostedRotationLambda)`, why: 'needs the transform above (moto cannot create the hosted rotation function); rotation is asserted by the unit tests only' });
      removed.add(id);
    }
    if (r.Type === 'AWS::CDK::Metadata') removed.add(id);
    // e.g. Custom::VpcRestrictDefaultSG, which aws-cdk-lib adds to every VPC under its recommended feature flags.
    if ((r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource') && r.Properties?.ServiceToken?.['Fn::GetAtt']) {
      adaptations.push({ what: `${id} (${r.Type})`, why: 'a Lambda-backed custom resource: moto would have to run its handler (a container runtime); not part of what Keyward declares' });
      removed.add(id);
      serviceTokens.add(r.Properties.ServiceToken['Fn::GetAtt'][0]);
    }
  }
  // Keyward's SOPS writer: moto runs no Lambda (and the function code is an asset this harness does not publish), so
  // each Custom::KeywardSopsSecret goes, with every resource that references a removed one (the writer and the Provider
  // framework functions and roles). test/integration/sops-aws.test.ts runs the writer in-process against moto instead.
  const sops = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'Custom::KeywardSopsSecret');
  if (sops.length > 0) {
    const gone = new Set<string>(sops.map(([id]) => id));
    for (const [id, r] of Object.entries<any>(template.Resources)) {
      if (r.Type === 'AWS::Lambda::Function' && r.Properties?.Code?.S3Bucket !== undefined && /KeywardSopsSecretWriter/.test(id)) gone.add(id);
    }
    for (let grew = true; grew;) {
      grew = false;
      for (const [id, r] of Object.entries<any>(template.Resources)) {
        const text = JSON.stringify(r.Properties ?? {});
        if (!gone.has(id) && [...gone].some((g) => text.includes(`{"Ref":"${g}"}`) || text.includes(`"Fn::GetAtt":["${g}"`))) {
          gone.add(id);
          grew = true;
        }
      }
    }
    adaptations.push({ what: [...gone].join(', '), why: 'Keyward\'s SOPS writer custom resources and the functions behind them: moto runs no Lambda; sops-aws.test.ts runs the writer in-process' });
    gone.forEach((id) => removed.add(id));
  }
  for (const id of removed) delete template.Resources[id];
  // The handler of a removed custom resource, and its role, once nothing else refers to them (their code is an asset
  // in the CDK bootstrap bucket, which moto does not have).
  const referenced = (id: string) => Object.values(template.Resources).some((r) => JSON.stringify(r).includes(`"${id}"`));
  for (const token of serviceTokens) {
    const handler = template.Resources[token];
    if (handler?.Type !== 'AWS::Lambda::Function' || referenced(token)) continue;
    delete template.Resources[token];
    removed.add(token);
    const role = handler.Properties?.Role?.['Fn::GetAtt']?.[0];
    if (role && template.Resources[role] && !referenced(role)) {
      delete template.Resources[role];
      removed.add(role);
    }
    adaptations.push({ what: `${token} (its handler)${role ? ` and ${role}` : ''}`, why: 'only the removed custom resource used them' });
  }
  for (const r of Object.values<any>(template.Resources)) {  
    if (Array.isArray(r.DependsOn)) r.DependsOn = r.DependsOn.filter((d: string) => !removed.has(d));
    else if (typeof r.DependsOn === 'string' && removed.has(r.DependsOn)) delete r.DependsOn;
  }
  for (const [id, o] of Object.entries<any>(template.Outputs ?? {})) {  
    if ([...removed].some((rid) => JSON.stringify(o).includes(`"${rid}"`))) delete template.Outputs[id];
  }
  if (template.Conditions?.CDKMetadataAvailable) delete template.Conditions.CDKMetadataAvailable;
  return { template, adaptations };
}

/**
 * `template` with every `Fn::GetStackOutput` (aws-cdk-lib's weak cross-stack reference, the default under its
 * recommended feature flags) replaced by that output's value, read from the deployed producer stack: moto 5.2.5 does
 * not evaluate the function and passes the object on (IAM then rejects the policy as malformed).
 */
export async function resolveStackOutputs(cfn: CloudFormationClient, template: any): Promise<{ template: any; adaptations: Adaptation[] }> {
  const outputs = new Map<string, Map<string, string>>();
  const found: any[] = [];
  const walk = (v: any): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (Object.keys(v).length === 1 && v['Fn::GetStackOutput']) found.push(v['Fn::GetStackOutput']);
      else Object.values(v).forEach(walk);
    }
  };
  walk(template);
  for (const ref of found) {
    if (typeof ref.StackName !== 'string' || typeof ref.OutputName !== 'string') throw new Error(`unresolvable Fn::GetStackOutput ${JSON.stringify(ref)}`);
    if (!outputs.has(ref.StackName)) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: ref.StackName }))).Stacks?.[0];
      outputs.set(ref.StackName, new Map((stack?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!])));
    }
  }
  const replace = (v: any): any => {
    if (Array.isArray(v)) return v.map(replace);
    if (!v || typeof v !== 'object') return v;
    const ref = Object.keys(v).length === 1 ? v['Fn::GetStackOutput'] : undefined;
    if (ref) {
      const value = outputs.get(ref.StackName)?.get(ref.OutputName);
      if (value === undefined) throw new Error(`stack ${ref.StackName} has no output ${ref.OutputName}`);
      return value;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
  };
  const adaptations = found.length === 0 ? [] : [{
    what: `${found.length} Fn::GetStackOutput reference(s)`,
    why: 'moto does not evaluate Fn::GetStackOutput (a weak cross-stack reference): replaced by the producer stack\'s output value as deployed',
  }];
  return { template: replace(template), adaptations };
}

export async function deployStack(cfn: CloudFormationClient, stackName: string, template: unknown): Promise<StackResourceSummary[]> {
  await cfn.send(new CreateStackCommand({
    StackName: stackName,
    TemplateBody: JSON.stringify(template),
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
  }));
  const deadline = Date.now() + 120000;
  for (;;) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    if (stack?.StackStatus === 'CREATE_COMPLETE') break;
    if (!stack?.StackStatus?.endsWith('IN_PROGRESS') || Date.now() > deadline) {
      throw new Error(`stack ${stackName}: ${stack?.StackStatus} ${stack?.StackStatusReason ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const out: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    out.push(...(page.StackResourceSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

// Resolving a template's intrinsics against deployed values: the same strict resolver the benchmark measures with.
export type { IntrinsicValues } from '../../../bench/measure';
export { resolveIntrinsicsWith as resolveIntrinsics } from '../../../bench/measure';
