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
