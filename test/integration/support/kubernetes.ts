/**
 * A stand-in for the one Kubernetes API call Vault's kubernetes auth method makes: TokenReview
 * (POST /apis/authentication.k8s.io/v1/tokenreviews). It authenticates exactly the service-account tokens signed by
 * the test issuer, the way the API server would for tokens it minted; everything else Vault decides itself
 * (bound service account names, namespaces, audience, policies). Loopback only, free port.
 */
import { createPublicKey, createVerify } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort, runOk } from './process';
import { TestIssuer } from './jwt';

export interface FakeKubernetesApi {
  readonly url: string;
  /** A throwaway self-signed CA: Vault requires kubernetes_ca_cert once it stops looking for an in-cluster one. */
  readonly caCertPem: string;
  /**
   * Service-account token, shaped like a projected token from the API server. `audience` null leaves `aud` out (a
   * token minted for no audience).
   */
  token(namespace: string, serviceAccount: string, audience: string | null): string;
  /** TokenReview requests answered, and how many were refused for a missing or wrong reviewer JWT. */
  readonly reviews: { answered: number; unauthorized: number };
  stop(): Promise<void>;
}

/**
 * @param reviewerJwt when set, TokenReview requests must carry `Authorization: Bearer <reviewerJwt>` (as a real API
 * server requires a reviewer allowed to create TokenReviews); others get 401.
 */
export async function startFakeKubernetesApi(reviewerJwt?: string): Promise<FakeKubernetesApi> {
  const reviews = { answered: 0, unauthorized: 0 };
  const issuer = new TestIssuer('https://kubernetes.default.svc.cluster.local');
  const publicKey = createPublicKey(issuer.publicKeyPem);
  const verify = (jwt: string): { [k: string]: any } | undefined => {  
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s) return undefined;
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKey, Buffer.from(s, 'base64url'));
    return ok ? JSON.parse(Buffer.from(p, 'base64url').toString()) : undefined;
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/apis/authentication.k8s.io/v1/tokenreviews')) {
        res.writeHead(404).end();
        return;
      }
      if (reviewerJwt !== undefined && req.headers.authorization !== `Bearer ${reviewerJwt}`) {
        reviews.unauthorized++;
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', code: 401, reason: 'Unauthorized' }));
        return;
      }
      reviews.answered++;
      const review = JSON.parse(body);
      const claims = verify(review.spec?.token ?? '');
      const wanted: string[] = review.spec?.audiences ?? [];
      const aud: string[] = claims && claims.aud !== undefined ? [].concat(claims.aud) : [];
      const audiences = wanted.filter((a) => aud.includes(a));
      const k = claims?.['kubernetes.io'];
      const authenticated = !!claims && (wanted.length === 0 || audiences.length > 0);
      const status = authenticated
        ? {
          authenticated: true,
          user: {
            username: `system:serviceaccount:${k.namespace}:${k.serviceaccount.name}`,
            uid: k.serviceaccount.uid,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
          },
          audiences: wanted.length ? audiences : aud,
        }
        : { authenticated: false, error: 'token not issued by this cluster or not for this audience' };
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: review.spec, status }));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-k8s-'));
  runOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'ca.key'),
    '-out', path.join(dir, 'ca.crt'), '-subj', '/CN=keyward-test-cluster-ca', '-days', '1']);
  const caCertPem = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    url: `http://127.0.0.1:${port}`,
    caCertPem,
    reviews,
    token: (namespace, serviceAccount, audience) => {
      const now = Math.floor(Date.now() / 1000);
      const uid = `uid-${namespace}-${serviceAccount}`;
      return issuer.sign({
        iss: issuer.issuer,
        ...(audience === null ? {} : { aud: [audience] }),
        sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
        iat: now - 5,
        nbf: now - 5,
        exp: now + 600,
        'kubernetes.io': { namespace, serviceaccount: { name: serviceAccount, uid } },
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
