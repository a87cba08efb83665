// Tests of lib/core/aws-names.ts (the AWS name rules); kept with the AWS tests that own them.
import {
  accessNameProblems, accountProblems, keyRotationPeriodProblems, kmsAliasProblems, kmsKeyArnProblems, parseSecretArn,
  lambdaVariableProblems, passwordCharacterProblems, pendingWindowProblems, principalArnProblems, regionProblems, secretLikeFieldProblems,
  secretNameProblems, secretRotationPeriodProblems, tagProblems,
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

describe('tags', () => {
  test.each([['team', 'orders'], ['k'.repeat(128), 'v'.repeat(256)], ['cost center', 'a_b.c:d/e=f+g-h@i'], ['équipe', 'données'], ['x:aws:y', '']])(
    'accepts %s = %s', (key, value) => {
      expect(tagProblems(key, value)).toEqual([]);
    });
  test.each([
    ['aws:team', 'v', /reserves/], ['AWS:Team', 'v', /reserves/], ['', 'v', /1 to 128/], ['k'.repeat(129), 'v', /1 to 128/],
    ['team', 'v'.repeat(257), /at most 256/], ['team#1', 'v', /may only contain/], ['team', 'a;b', /may only contain/],
  ])('rejects %s = %s', (key, value, message) => {
    expect(tagProblems(key, value).join('; ')).toMatch(message);
  });
});

describe('Lambda environment variable names', () => {
  test.each(['DB', 'DATABASE_SECRET_ARN', 'aws_db', 'AWS_DB_SECRET_ARN'])('accepts %s', name => {
    expect(lambdaVariableProblems(name)).toEqual([]);
  });
  test.each([['AWS_REGION', /reserved/], ['_HANDLER', /reserved/], ['AWS_LAMBDA_FUNCTION_NAME', /reserved/], ['X', /at least one/],
    ['_DB', /a letter/], ['DB-ARN', /a letter/], ['1DB', /a letter/]])('rejects %s', (name, message) => {
    expect(lambdaVariableProblems(name).join('; ')).toMatch(message);
  });
});

describe('generated value characters', () => {
  const all = { excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true };
  test('nothing left: every class excluded, or excludeCharacters takes the rest', () => {
    expect(passwordCharacterProblems({ length: 32, requireEachIncludedType: false, ...all })[0]).toMatch(/no character is left/);
    expect(passwordCharacterProblems({ length: 32, requireEachIncludedType: false, ...all, excludeNumbers: false, excludeCharacters: '0123456789' })[0])
      .toMatch(/no character is left/);
  });
  test('requireEachIncludedType needs a length of at least the number of included classes', () => {
    expect(passwordCharacterProblems({ length: 3, requireEachIncludedType: true })[0]).toMatch(/3 characters cannot hold one character of each of the 4/);
    expect(passwordCharacterProblems({ length: 3, requireEachIncludedType: false })).toEqual([]);
    expect(passwordCharacterProblems({ length: 2, requireEachIncludedType: true, excludeLowercase: true, excludePunctuation: true })).toEqual([]);
  });
  test('one digit left is enough', () => {
    expect(passwordCharacterProblems({ length: 6, requireEachIncludedType: true, ...all, excludeNumbers: false, excludeCharacters: '012345678' })).toEqual([]);
  });
});
