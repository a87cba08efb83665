/**
 * What `cdk deploy` does before CreateStack, done against moto: publish a stack's file assets (nested stack templates)
 * to the bootstrap bucket its asset manifest names, so that moto's CloudFormation finds each nested stack's
 * TemplateURL (https://s3.<region>.amazonaws.com/<bucket>/<key>) in its own S3. And the secrets moto's CloudFormation
 * skips ("No Moto CloudFormation support"), created through the Secrets Manager API from a template's own properties.
 */
import { CreateSecretCommand, GetRandomPasswordCommand, PutResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as fs from 'fs';
import * as path from 'path';
import { Moto } from './moto';

/** moto's S3 routes by the service in the SigV4 credential scope; it does not check the signature before enforceIam. */
function s3Headers(region: string, contentType?: string): { [k: string]: string } {
  return {
    'Authorization': `AWS4-HMAC-SHA256 Credential=AKIAKEYWARDTESTHARNESS/20250101/${region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
    ...(contentType ? { 'Content-Type': contentType } : {}),
  };
}

/**
 * Uploads every file asset of `<outdir>/<stack>.assets.json` whose source is a nested stack template to its
 * destination bucket/key in moto's S3 (creating the bucket), as cdk-assets would. Returns the object keys written.
 */
export async function publishNestedTemplates(moto: Moto, outdir: string, stack: string): Promise<string[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${stack}.assets.json`), 'utf8'));
  const buckets = new Set<string>();
  const written: string[] = [];
  for (const asset of Object.values<any>(manifest.files ?? {})) {
    if (!String(asset.source.path).endsWith('.nested.template.json')) continue;
    const body = fs.readFileSync(path.join(outdir, asset.source.path));
    for (const dest of Object.values<any>(asset.destinations)) {
      if (!buckets.has(dest.bucketName)) {
        const r = await fetch(`${moto.endpoint}/${dest.bucketName}`, {
          method: 'PUT', headers: s3Headers(dest.region, 'application/xml'),
          body: `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${dest.region}</LocationConstraint></CreateBucketConfiguration>`,
        });
        if (r.status !== 200) throw new Error(`moto S3 CreateBucket ${dest.bucketName}: ${r.status} ${await r.text()}`);
        buckets.add(dest.bucketName);
      }
      const r = await fetch(`${moto.endpoint}/${dest.bucketName}/${dest.objectKey}`, {
        method: 'PUT', headers: s3Headers(dest.region, 'application/json'), body,
      });
      if (r.status !== 200) throw new Error(`moto S3 PutObject ${dest.objectKey}: ${r.status} ${await r.text()}`);
      written.push(`s3://${dest.bucketName}/${dest.objectKey} <- ${asset.source.path}`);
    }
  }
  return written;
}

/** What {@link createTemplateSecrets} did. */
export interface TemplateSecrets {
  /** Logical id → ARN of each secret created. */
  readonly arns: Map<string, string>;
  /** What the template asked for that was not created, one line each (e.g. ReplicaRegions), in template order. */
  readonly notes: string[];
}

/**
 * Creates every AWS::SecretsManager::Secret of `template` (then every ::ResourcePolicy) through the Secrets Manager
 * API from its own properties, resolved by `resolve`, which is given the logical-id → ARN map of the secrets created
 * so far. A generated value is drawn with GetRandomPassword using the template's GenerateSecretString settings.
 * A secret's ReplicaRegions are not created (they need the other region's key, which one moto account cannot check);
 * each is named in `notes`. `concurrency` requests run at a time.
 */
export async function createTemplateSecrets(
  sm: SecretsManagerClient,
  template: any,  
  resolve: (value: unknown, secretArns: Map<string, string>) => any,  
  concurrency = 1,
): Promise<TemplateSecrets> {
  const arns = new Map<string, string>();
  const replicas = new Map<string, string>();
  const entries = Object.entries<any>(template.Resources ?? {});
  const secrets = entries.filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret');
  await pool(secrets, concurrency, async ([id, r]) => {
    const p = resolve(r.Properties, arns);
    const gen = p.GenerateSecretString ?? {};
    const password = (await sm.send(new GetRandomPasswordCommand({
      PasswordLength: gen.PasswordLength, ExcludeCharacters: gen.ExcludeCharacters, RequireEachIncludedType: gen.RequireEachIncludedType,
    }))).RandomPassword!;
    const value = gen.SecretStringTemplate
      ? JSON.stringify({ ...JSON.parse(gen.SecretStringTemplate), [gen.GenerateStringKey]: password })
      : password;
    const created = await sm.send(new CreateSecretCommand({ Name: p.Name, Description: p.Description, KmsKeyId: p.KmsKeyId, Tags: p.Tags, SecretString: value }))
      .catch((e) => { throw new Error(`CreateSecret ${id} (${p.Name}, KmsKeyId ${p.KmsKeyId}): ${e}; ${(e as any).$response?.body ?? ''}`); });
    arns.set(id, created.ARN!);
    if (p.ReplicaRegions) replicas.set(id, `${id}: ReplicaRegions ${JSON.stringify(p.ReplicaRegions)} not created (second region/key out of scope for one moto account)`);
  });
  await pool(entries.filter(([, r]) => r.Type === 'AWS::SecretsManager::ResourcePolicy'), concurrency, async ([, r]) => {
    const p = resolve(r.Properties, arns);
    await sm.send(new PutResourcePolicyCommand({ SecretId: p.SecretId, ResourcePolicy: JSON.stringify(p.ResourcePolicy), BlockPublicPolicy: p.BlockPublicPolicy }));
  });
  return { arns, notes: secrets.map(([id]) => replicas.get(id)).filter((n): n is string => n !== undefined) };
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
