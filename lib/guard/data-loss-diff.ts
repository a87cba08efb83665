import { DataLossReport } from './data-loss-change';
import { diffOutputs, formatLossReport } from './private/loss/diff';
import { loadSynthOutput } from './private/loss/load';

/**
 * `keyward diff` as a library: compares two synthesized outputs (cdk.out directories or CloudFormation templates;
 * cdktf.out directories, stack directories or cdk.tf.json files) and reports every secret, key, KV mount or secret
 * path that would be deleted or replaced. Throws on bad input (unreadable, not a template, empty, mismatched targets).
 */
export class DataLossDiff {
  /**
   * @param oldPath the output deployed today
   * @param newPath the output about to be deployed
   */
  public static compare(oldPath: string, newPath: string): DataLossReport {
    const report = diffOutputs(loadSynthOutput(oldPath), loadSynthOutput(newPath));
    return { ...report, safe: report.changes.length === 0, text: formatLossReport(report) };
  }

  private constructor() {}
}
