/** A test OIDC issuer: an RSA key generated per run and RS256 tokens with the claims GitHub Actions sends. */
import { createSign, generateKeyPairSync, KeyObject, randomUUID } from 'crypto';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export class TestIssuer {
  public readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;
  public readonly kid = randomUUID();

  constructor(public readonly issuer: string = GITHUB_ISSUER) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.privateKey = privateKey;
  }

  /** A token shaped like GitHub's: sub = repo:<owner/repo>:ref:<ref> (or :environment:<env>). */
  public githubToken(claims: { repository: string; ref?: string; environment?: string; audience: string; extra?: { [k: string]: unknown } }): string {
    const ref = claims.ref ?? 'refs/heads/main';
    const now = Math.floor(Date.now() / 1000);
    const [owner] = claims.repository.split('/');
    const body: { [k: string]: unknown } = {
      iss: this.issuer,
      aud: claims.audience,
      sub: claims.environment ? `repo:${claims.repository}:environment:${claims.environment}` : `repo:${claims.repository}:ref:${ref}`,
      repository: claims.repository,
      repository_owner: owner,
      ref,
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      event_name: 'push',
      workflow: 'deploy',
      actor: 'octocat',
      jti: randomUUID(),
      iat: now - 5,
      nbf: now - 5,
      exp: now + 300,
      ...(claims.environment ? { environment: claims.environment } : {}),
      ...claims.extra,
    };
    return this.sign(body);
  }

  public sign(body: { [k: string]: unknown }): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${b64(body)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }
}
