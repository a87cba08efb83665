/**
 * Credentials written as assignments inside a larger string, which gitleaks' rules (made for source files) do not
 * all cover: connection strings (`Password=…;`, `Pwd=…`), URLs with credentials (`postgres://app:pw@db`),
 * `Authorization:` and API-key headers, and command-line password flags (`mysql -pS3cret`, `redis-cli -a pw`,
 * `curl -u user:pw`). Each pattern captures the secret only, so a finding masks exactly that part.
 *
 * Target-neutral: no aws-cdk-lib or cdktf imports.
 */
import { isPlaceholder, isReference, stripReferences } from './detect-reference';

/** One credential found in an assignment form. */
export interface AssignmentMatch {
  readonly label: string;
  readonly secret: string;
}

interface AssignmentForm {
  readonly label: string;
  /** Global regex; group 1 is the secret. */
  readonly pattern: RegExp;
  /** Lower-case strings one of which the text must contain for the pattern to be tried (a cheap prefilter). */
  readonly keywords: readonly string[];
}

const FORMS: readonly AssignmentForm[] = [
  { label: 'URL with embedded credentials', pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:([^\s@/'"]+)@/gi, keywords: ['://'] },
  // ADO.NET / ODBC / JDBC / libpq key=value connection strings.
  // Not code: `password = os.environ['X']` (spaces around `=`, an accessor after it) reads a value.
  { label: 'password in a connection string', pattern: /(?:^|[;\s"'{(])(?:password|pwd|passwd)(?:=\s*|\s+=\s*(?![A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[[(.]))([^;'"\s}]+)/gi, keywords: ['password', 'pwd', 'passwd'] },
  { label: 'Authorization header credentials', pattern: /\bAuthorization["']?\s*[:=]\s*["']?(?:Bearer|Basic|Token|Bot|Digest|ApiKey|SSWS)\s+([A-Za-z0-9._~+/=-]{8,})/gi, keywords: ['authorization'] },
  { label: 'API key header', pattern: /\b(?:X-Api-Key|X-Auth-Token|X-Access-Token|Private-Token|X-Vault-Token|api-key)["']?\s*:\s*["']?([A-Za-z0-9._~+/=-]{12,})/gi, keywords: ['-key', '-token', 'private-token', 'api-key'] },
  // mysql/mysqldump/mariadb: the password is attached to -p; `-p` alone (prompt) or `-p 8080` (a port) are not.
  { label: 'password on a command line (-p)', pattern: /(?:^|\s)-p([^\s'"-][^\s'"]{3,})/g, keywords: ['-p'] },
  { label: 'password on a command line', pattern: /(?:^|\s)(?:redis-cli\s+(?:[^\n]*\s)?-a|sshpass\s+-p|--(?:[a-z]+-)*(?:password|passwd|pass|secret|token|api-key|apikey))(?:\s+|=)["']?([^\s'"-][^\s'"]{3,})/gi, keywords: ['redis-cli', 'sshpass', '--'] },
  { label: 'password piped into --password-stdin', pattern: /\becho\s+(?:-n\s+)?["']?([^\s"'|$]{4,})["']?\s*\|[^\n|]*--password-stdin/g, keywords: ['--password-stdin'] },
  { label: 'user:password on a command line', pattern: /(?:^|\s)(?:-u|--user)\s*["']?[^\s:'"]+:([^\s'"]{4,})/g, keywords: ['-u', '--user'] },
];

/** Values that are not credentials even when they sit where one would: references, placeholders, digits, ports. */
function isLiteralSecret(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  return (
    v.length >= 4 &&
    !isReference(v) &&
    stripReferences(v) === v &&
    !isPlaceholder(v) &&
    !/^[\d:.]+$/.test(v) &&
    !/^(?:stdin|prompt|file|env)$/i.test(v) &&
    // A keyword argument in code passes a variable on: `connect(host=host, password=password)`.
    !/^[a-z_][a-z0-9_.]*(?:\)+[,;]?|,)$/.test(v) &&
    !v.startsWith('$')
  );
}

/** Every credential written in an assignment form in `text`. */
export function matchAssignmentForms(text: string): AssignmentMatch[] {
  const out: AssignmentMatch[] = [];
  const lower = text.toLowerCase();
  for (const form of FORMS) {
    if (!form.keywords.some((k) => lower.includes(k))) {
      continue;
    }
    for (const m of text.matchAll(form.pattern)) {
      const secret = m[1];
      if (secret !== undefined && isLiteralSecret(secret)) {
        out.push({ label: form.label, secret });
      }
    }
  }
  return out;
}
