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
  for (const [id, r] of Object.entries<any>(template.Resources)) {  
    if (r.Type === 'AWS::SecretsManager::RotationSchedule' && r.Properties?.HostedRotationLambda) {
      adaptations.push({ what: `${id} (AWS::SecretsManager::RotationSchedule with HostedRotationLambda)`, why: 'needs the transform above (moto cannot create the hosted rotation function); rotation is asserted by the unit tests only' });
      removed.add(id);
    }
    if (r.Type === 'AWS::CDK::Metadata') removed.add(id);
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
