// Tests of lib/core/aws-names.ts (the AWS name rules); kept with the AWS tests that own them.
import {
  accessNameProblems, accountProblems, keyRotationPeriodProblems, kmsAliasProblems, kmsKeyArnProblems, parseSecretArn,
  pendingWindowProblems, principalArnProblems, regionProblems, secretLikeFieldProblems, secretNameProblems, secretRotationPeriodProblems,
} from '../../lib/core/aws-names';

describe('secret names', () => {
  test.each(['db', 'orders/database', 'a+b=c.d@e-f_g', 'x'.repeat(512), 'db-abc12', 'db-abc1234'])('accepts %s', name => {
    expect(secretNameProblems(name)).toEqual([]);
  });
  test('rejects empty and too long names', () => {
    expect(secretNameProblems('')[0]).toMatch(/1 to 512/);
    expect(secretNameProblems('x'.repeat(513))[0]).toMatch(/1 to 512.*513/);
  });
  test('rejects characters outside the set', () => {
    expect(secretNameProblems('db password')[0]).toMatch(/may only contain/);
    expect(secretNameProblems('db#1')[0]).toMatch(/may only contain/);
  });
  test('rejects the -XXXXXX ending', () => {
    expect(secretNameProblems('db-AbC123')).toEqual(['secret name "db-AbC123" ends with "-" and 6 characters, which breaks partial-ARN lookups']);
  });
});

describe('KMS aliases', () => {
  test('accepts alias/orders/secrets', () => expect(kmsAliasProblems('alias/orders/secrets')).toEqual([]));
  test('requires the alias/ prefix', () => expect(kmsAliasProblems('orders')[0]).toMatch(/must start with "alias\/"/));
  test('rejects the aws namespace', () => expect(kmsAliasProblems('alias/aws/secretsmanager').join()).toMatch(/reserved/));
  test('rejects bad characters', () => expect(kmsAliasProblems('alias/a b')[0]).toMatch(/may only contain/));
  test('rejects an empty name', () => expect(kmsAliasProblems('alias/')[0]).toMatch(/1 to 250/));
  test('rejects a too long alias', () => expect(kmsAliasProblems(`alias/${'a'.repeat(251)}`)[0]).toMatch(/1 to 250/));
});

describe('periods', () => {
  test.each([[90, true], [365, true], [2560, true], [89, false], [2561, false], [100.5, false]])('rotation %s days ok=%s', (d, ok) => {
    expect(keyRotationPeriodProblems(d as number).length === 0).toBe(ok);
  });
  test.each([[7, true], [30, true], [6, false], [31, false]])('pending window %s days ok=%s', (d, ok) => {
    expect(pendingWindowProblems(d as number).length === 0).toBe(ok);
  });
  test.each([[1, true], [1000, true], [0, false], [1001, false]])('secret rotation %s days ok=%s', (d, ok) => {
    expect(secretRotationPeriodProblems(d as number).length === 0).toBe(ok);
  });
});

describe('regions, accounts, ARNs', () => {
  test.each(['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-4', 'us-isob-east-1'])('region %s', r => expect(regionProblems(r)).toEqual([]));
  test.each(['eu-west', 'EU-WEST-1', 'euwest1', 'eu-west-1a'])('bad region %s', r => expect(regionProblems(r)[0]).toMatch(/not an AWS region/));
  test('accounts', () => {
    expect(accountProblems('111111111111')).toEqual([]);
    expect(accountProblems('1111')[0]).toMatch(/12-digit/);
  });
  test('complete secret ARN', () => {
    const { info, problems } = parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db-AbC123', true);
    expect(problems).toEqual([]);
    expect(info).toEqual({ partition: 'aws', region: 'eu-west-1', account: '111111111111', secretName: 'orders/db', complete: true });
  });
  test('complete ARN without suffix is rejected', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db', true).problems[0]).toMatch(/not complete/);
  });
  test('partial ARN that looks complete is rejected', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC123', false).problems[0]).toMatch(/cannot be told apart/);
  });
  test('not a secret ARN', () => {
    expect(parseSecretArn('arn:aws:s3:::bucket', false).problems.join()).toMatch(/not a Secrets Manager secret ARN/);
    expect(parseSecretArn('secret', false).problems[0]).toMatch(/is not an ARN/);
  });
  test('key ARNs', () => {
    expect(kmsKeyArnProblems('arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toEqual([]);
    expect(kmsKeyArnProblems('arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab')).toEqual([]);
    expect(kmsKeyArnProblems('arn:aws:kms:eu-west-1:111111111111:alias/aws/secretsmanager')[0]).toMatch(/alias ARNs cannot carry IAM grants/);
  });
  test('principal ARNs', () => {
    expect(principalArnProblems('arn:aws:iam::222222222222:role/auditor')).toEqual([]);
    expect(principalArnProblems('arn:aws:iam::222222222222:root')).toEqual([]);
    expect(principalArnProblems('arn:aws:s3:::bucket')[0]).toMatch(/not an IAM role/);
  });
  test('access names and secret-like fields', () => {
    expect(accessNameProblems('orders-api')).toEqual([]);
    expect(accessNameProblems('has space')[0]).toMatch(/1 to 64/);
    expect(secretLikeFieldProblems('username')).toEqual([]);
    expect(secretLikeFieldProblems('apiKey')[0]).toMatch(/named like a secret/);
    expect(secretLikeFieldProblems('password')[0]).toMatch(/named like a secret/);
  });
});
