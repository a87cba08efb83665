import * as fs from 'fs';
import { envExample, readSopsFile, sopsFormatOf } from './sops-file';
import { SopsFileFormat } from './sops-format';

/**
 * The `.env.example` pattern: for local development a workload keeps a `.env.example` with the names of the variables
 * it receives, never a value; the values live in a SOPS-encrypted file (`sops exec-env <file> '<command>'` runs a
 * process with them). `keyward sops-check` accepts such files and rejects one that gives a value.
 */
export class EnvExample {
  /**
   * The text of a `.env.example` listing the top-level key names of a SOPS-encrypted file (read in clear from the
   * file, never decrypted). Throws when the file is missing or not SOPS-encrypted.
   */
  public static fromSopsFile(file: string, format?: SopsFileFormat): string {
    const { info, problems } = readSopsFile(file, format ?? sopsFormatOf(file));
    if (!info) {
      throw new Error(problems.join('; '));
    }
    return envExample(info.keys, `Keys of ${info.path} (SOPS-encrypted). Run: sops exec-env ${info.path} '<command>'`);
  }

  /** The text of a `.env.example` listing `names` (one `NAME=` line each). */
  public static forNames(names: string[]): string {
    return envExample(names);
  }

  /** Write `text` (from {@link EnvExample.fromSopsFile} or {@link EnvExample.forNames}) to `outputPath`. */
  public static write(outputPath: string, text: string): void {
    fs.writeFileSync(outputPath, text);
  }

  private constructor() {
    // static only
  }
}
