/** Bad input to `keyward diff`: unreadable files, non-templates, empty directories, mismatched targets (exit code 2). */
export class KeywardInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeywardInputError';
  }
}
