import { SopsFileFormat } from '../core/sops-format';
import { ISecretsKey } from './secrets-key';

/** How {@link SecretContent.fromSopsFile} reads a SOPS-encrypted file. */
export interface SopsFileOptions {
  /**
   * The file's layout.
   * @default - from the file name, as SOPS infers it: `.env` dotenv, `.json` JSON, `.yaml`/`.yml` YAML, anything else binary
   */
  readonly format?: SopsFileFormat;
  /**
   * The one top-level key whose value becomes the secret value (a string as it is; a number, boolean, map or list as
   * JSON). Not for binary files.
   * @default - the whole file as one JSON object of its keys (a binary file: its content)
   */
  readonly field?: string;
  /**
   * The AWS KMS key that decrypts the file's data key at deploy time: one of the keys in the file's `sops.kms`
   * metadata. The writer function may decrypt with this key only.
   * @default - the file's first AWS KMS key in the stack's region (imported by ARN)
   */
  readonly decryptionKey?: ISecretsKey;
}
