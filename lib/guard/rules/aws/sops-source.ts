import * as fs from 'fs';
import { readSopsFile } from '../../../core/sops-file';
import { SopsFileFormat } from '../../../core/sops-format';
import { CfnElement, GuardRule, RuleHit } from '../../private/rule';

/**
 * The file a Keyward SOPS-sourced secret is written from must still be SOPS-encrypted when the template is checked: a
 * plaintext `.env`, JSON or YAML file would be uploaded as an asset (and sits in the repository) in clear.
 */
export const sopsSource: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-sops-source',
  description: 'a secret\'s source file is not SOPS-encrypted',
  fix: 'encrypt the file with `sops encrypt --in-place <file>` (keep only a .env.example with the names in the repository)',
  check: (e) => {
    if (e.type !== 'Custom::KeywardSopsSecret') {
      return [];
    }
    const file = e.body.Properties?.SourceFile;
    const format = e.body.Properties?.Format;
    if (typeof file !== 'string' || !Object.values<string>(SopsFileFormat).includes(format)) {
      return [{ propertyPath: 'Properties.SourceFile', detail: 'no source file or format recorded' }];
    }
    // Scanned away from the app (keyward scan of a cdk.out artifact), the source path is not there: nothing to say
    // about it here. The construct refused a plaintext file at synth, and the staged copy the assembly uploads is read
    // by the assembly-file rule.
    if (!fs.existsSync(file)) {
      return [];
    }
    const hits: RuleHit[] = readSopsFile(file, format as SopsFileFormat).problems
      .map(problem => ({ propertyPath: 'Properties.SourceFile', detail: problem.split(';')[0] }));
    return hits;
  },
};
