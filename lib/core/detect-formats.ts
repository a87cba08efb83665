/**
 * Known credential formats. Each pattern matches the credential itself (not its surroundings), so a finding can mask
 * exactly the secret part of a longer string (a script, a URL, a JSON document).
 *
 * Target-neutral: no aws-cdk-lib or cdktf imports.
 */
export interface CredentialFormat {
  /** Human name used in findings, e.g. "GitHub personal access token". */
  readonly label: string;
  /** Global regex; group 1 (when present) is the secret part, otherwise the whole match. */
  readonly pattern: RegExp;
  /** Lower-case strings one of which the text must contain for the pattern to be tried (a cheap prefilter). */
  readonly keywords: readonly string[];
}

// Word boundaries are written as look-arounds on the token alphabet so that a match inside a longer random string
// (e.g. "xAKIA...") does not count.
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  // AKIA = long-term access key, ASIA = STS temporary key. AIDA/AROA/AGPA are unique ids, not secrets.
  { label: 'AWS access key id', pattern: new RegExp(`${B}((?:AKIA|ASIA)[A-Z2-7]{16})${E}`, 'g'), keywords: ['akia', 'asia'] },
  { label: 'AWS secret access key', pattern: /(?:aws_?secret_?access_?key|secretaccesskey|aws_?secret_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi, keywords: ['secret'] },
  { label: 'GitHub token', pattern: new RegExp(`${B}((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255})${E}`, 'g'), keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'] },
  { label: 'GitHub fine-grained token', pattern: new RegExp(`${B}(github_pat_[A-Za-z0-9_]{22,255})${E}`, 'g'), keywords: ['github_pat_'] },
  { label: 'GitLab token', pattern: new RegExp(`${B}(glpat-[A-Za-z0-9_-]{20,})`, 'g'), keywords: ['glpat-'] },
  { label: 'Slack token', pattern: new RegExp(`${B}(xox[abposre]-[A-Za-z0-9-]{10,})`, 'g'), keywords: ['xox'] },
  { label: 'Slack webhook URL', pattern: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/g, keywords: ['hooks.slack.com'] },
  { label: 'Stripe secret key', pattern: new RegExp(`${B}((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})${E}`, 'g'), keywords: ['_live_', '_test_'] },
  { label: 'Google API key', pattern: new RegExp(`${B}(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])`, 'g'), keywords: ['aiza'] },
  { label: 'Google OAuth client secret', pattern: new RegExp(`${B}(GOCSPX-[A-Za-z0-9_-]{28})`, 'g'), keywords: ['gocspx-'] },
  { label: 'private key', pattern: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)/g, keywords: ['private key'] },
  { label: 'Vault service token', pattern: new RegExp(`${B}(hvs\\.[A-Za-z0-9_-]{24,})`, 'g'), keywords: ['hvs.'] },
  { label: 'Vault batch token', pattern: new RegExp(`${B}(hvb\\.[A-Za-z0-9_-]{24,})`, 'g'), keywords: ['hvb.'] },
  { label: 'Vault recovery token', pattern: new RegExp(`${B}(hvr\\.[A-Za-z0-9_-]{24,})`, 'g'), keywords: ['hvr.'] },
  // Legacy (pre-1.10) service tokens: "s." + 24 base62 characters, exactly.
  { label: 'Vault legacy service token', pattern: new RegExp(`${B}(s\\.[A-Za-z0-9]{24})${E}`, 'g'), keywords: ['s.'] },
  { label: 'JSON Web Token', pattern: new RegExp(`${B}(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,})`, 'g'), keywords: ['eyj'] },
  { label: 'SendGrid API key', pattern: new RegExp(`${B}(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})`, 'g'), keywords: ['sg.'] },
  { label: 'Twilio API key', pattern: new RegExp(`${B}(SK[0-9a-f]{32})${E}`, 'g'), keywords: ['sk'] },
  { label: 'npm token', pattern: new RegExp(`${B}(npm_[A-Za-z0-9]{36})${E}`, 'g'), keywords: ['npm_'] },
  { label: 'PyPI token', pattern: new RegExp(`${B}(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,})`, 'g'), keywords: ['pypi-'] },
  { label: 'OpenAI API key', pattern: new RegExp(`${B}(sk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})`, 'g'), keywords: ['t3blbkfj'] },
  { label: 'Anthropic API key', pattern: new RegExp(`${B}(sk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{80,})`, 'g'), keywords: ['sk-ant-'] },
  { label: 'Shopify access token', pattern: new RegExp(`${B}(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${E}`, 'g'), keywords: ['shp'] },
  { label: 'DigitalOcean token', pattern: new RegExp(`${B}(do[opr]_v1_[a-f0-9]{64})${E}`, 'g'), keywords: ['_v1_'] },
  { label: 'Azure storage account key', pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/g, keywords: ['accountkey='] },
  { label: 'Datadog API key', pattern: /(?:dd_?api_?key|datadog_?api_?key)["']?\s*[:=]\s*["']?([a-f0-9]{32})(?![a-f0-9])/gi, keywords: ['api'] },
];

/** A credential found in a string: which format, and the exact secret substring. */
export interface FormatMatch {
  readonly label: string;
  readonly secret: string;
}

/** All known-format credentials in `text`, in order of appearance. */
export function matchCredentialFormats(text: string): FormatMatch[] {
  const found: { index: number; match: FormatMatch }[] = [];
  const lower = text.toLowerCase();
  for (const format of CREDENTIAL_FORMATS) {
    if (!format.keywords.some((k) => lower.includes(k))) {
      continue;
    }
    format.pattern.lastIndex = 0;
    for (const m of text.matchAll(format.pattern)) {
      const secret = m[1] ?? m[0];
      found.push({ index: (m.index ?? 0) + m[0].indexOf(secret), match: { label: format.label, secret } });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return found.map((f) => f.match);
}
