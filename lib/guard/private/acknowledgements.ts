import { IConstruct } from 'constructs';
import { Finding } from '../finding';

/** Metadata written by aws-cdk-lib's `Validations.of(x).acknowledge(...)`. */
const CDK_ACK_KEY = 'aws:cdk:acknowledged-rules';
/** Metadata written by Keyward's own `GuardAcknowledgements.acknowledge(...)` (works on both targets). */
export const KEYWARD_ACK_KEY = 'keyward:acknowledged-rules';

/** An acknowledgement found on a construct or one of its ancestors. */
export interface FoundAcknowledgement {
  readonly reason: string;
  readonly at: string;
}

/** Strip the namespace aws-cdk-lib adds to acknowledged ids (`Annotation::`, `Keyward::`). */
function bareId(id: string): string {
  const i = id.indexOf('::');
  return i === -1 ? id : id.slice(i + 2);
}

/** The closest acknowledgement of `ruleId` on `scope` or an ancestor, if any. */
export function findAcknowledgement(scope: IConstruct, ruleId: string): FoundAcknowledgement | undefined {
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if ((entry.type === CDK_ACK_KEY || entry.type === KEYWARD_ACK_KEY) && entry.data && typeof entry.data === 'object') {
        for (const [id, reason] of Object.entries(entry.data as { [id: string]: unknown })) {
          if (bareId(id) === ruleId) {
            return { reason: typeof reason === 'string' ? reason : '', at: c.node.path };
          }
        }
      }
    }
  }
  return undefined;
}

/** Rule id reported when a finding is acknowledged without a reason. */
export const ACK_REASON_RULE = 'keyward:acknowledgement-reason';

/**
 * Sort a finding into `findings` or `acknowledged` according to the acknowledgements on `construct` and its ancestors.
 * An acknowledgement with an empty reason silences nothing and is itself reported.
 */
export function sortFinding(
  finding: Finding,
  construct: IConstruct | undefined,
  out: { findings: Finding[]; acknowledged: Finding[] },
): void {
  const ack = construct ? findAcknowledgement(construct, finding.ruleId) : undefined;
  if (ack && ack.reason.trim() !== '') {
    out.acknowledged.push(finding);
    return;
  }
  out.findings.push(finding);
  if (ack) {
    out.findings.push({
      ruleId: ACK_REASON_RULE,
      description: `acknowledgement of ${finding.ruleId} has an empty reason`,
      constructPath: ack.at,
      propertyPath: '',
      detail: 'an acknowledgement needs a reason',
      maskedValue: '',
      fix: `give the acknowledgement of ${finding.ruleId} a reason, or fix the finding`,
    });
  }
}
