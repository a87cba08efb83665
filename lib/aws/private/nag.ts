import { Acknowledgment, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
// Internal: cdk-nag names a wildcard finding after the resource, with CloudFormation references flattened
// (`{ Ref: 'AWS::Partition' }` → `<AWS::Partition>`, Fn::Join joined). Acknowledging one exact finding needs the same
// string. Mirrors cdk-nag 3's flattenCfnReference for the shapes Keyward writes (strings, Ref, Fn::Join, Fn::GetAtt).

/** The string cdk-nag uses for a resolved CloudFormation value in a finding id (`Resource::<this>`). */
export function nagFindingResource(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  const v = value as { [k: string]: any };
  if (Array.isArray(v['Fn::Join'])) {
    const [delimiter, items] = v['Fn::Join'] as [string, unknown[]];
    return items.map(nagFindingResource).join(delimiter);
  }
  if (v.Ref !== undefined) {
    return `<${nagFindingResource(v.Ref)}>`;
  }
  if (Array.isArray(v['Fn::GetAtt'])) {
    const [resource, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagFindingResource(resource)}.${nagFindingResource(attribute)}>`;
  }
  return JSON.stringify(value);
}

/**
 * `Validations.of(scope).acknowledge(...)` without a stack trace. aws-cdk-lib records a stack trace with every
 * acknowledgement; under ts-node (source-map-support rewrites every frame) that made the per-secret acknowledgement of
 * `SecretRotation.none` about a fifth of a large catalog's synthesis time. An acknowledgement Keyward makes itself has
 * no user call site worth showing: its reason names the decision (e.g. the rotation opt-out's written reason).
 */
export function acknowledgeWithoutTrace(scope: IConstruct, ...rules: Acknowledgment[]): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    Validations.of(scope).acknowledge(...rules);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
