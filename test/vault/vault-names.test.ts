import { nameFromPath, uniqueNameFromPath, validateCidr, validateMountPath, validatePolicyName, validateSecretName, validateSimpleName, validateTtl } from '../../lib/core/vault-names';

describe('vault names', () => {
  test.each(['kv', 'secret/payments', 'team_a-1.b'])('accepts mount path %s', (p) => {
    expect(validateMountPath(p)).toEqual([]);
  });

  test.each([
    ['', /empty/],
    ['/kv', /starts or ends with "\/"/],
    ['kv/', /starts or ends with "\/"/],
    ['k v', /whitespace/],
    ['kv/*', /glob character/],
    ['kv+x', /glob character/],
    ['a/../b', /"\." or "\.\." segment/],
    ['a//b', /empty segment/],
    ['a"b', /may only contain/],
    ['a${b}', /may only contain/],
    ['sys', /reserved/],
    ['auth/x', /reserved/],
  ])('rejects mount path %j', (p, msg) => {
    const problems = validateMountPath(p);
    expect(problems.join('; ')).toMatch(msg);
  });

  test('secret names may nest but not escape', () => {
    expect(validateSecretName('app/db/credentials')).toEqual([]);
    expect(validateSecretName('app/../other')).toHaveLength(1);
    expect(validateSecretName(' app')).toEqual(['secret name " app" contains whitespace']);
  });

  test('simple names have one segment', () => {
    expect(validateSimpleName('role name', 'a-b')).toEqual([]);
    expect(validateSimpleName('role name', 'a/b')).toEqual(['role name "a/b" must not contain "/"']);
  });

  test('ttl must not exceed max ttl', () => {
    expect(validateTtl(900, 3600)).toEqual([]);
    expect(validateTtl(3600, 3600)).toEqual([]);
    expect(validateTtl(7200, 3600)).toEqual(['token ttl 7200s is longer than token max ttl 3600s']);
    expect(validateTtl(0, 3600)).toEqual(['token ttl must be a positive whole number of seconds, got 0']);
    expect(validateTtl(1.5, 3600)).toHaveLength(1);
  });

  test('cidr blocks', () => {
    expect(validateCidr('10.0.0.0/16')).toEqual([]);
    expect(validateCidr('2001:db8::/32')).toEqual([]);
    expect(validateCidr('10.0.0.0')).toHaveLength(1);
    expect(validateCidr('300.0.0.0/8')).toEqual(['CIDR "300.0.0.0/8" is out of range']);
  });

  test('names from construct paths', () => {
    expect(nameFromPath('vault-app/Deploy')).toBe('vault-app-deploy');
    expect(nameFromPath('A B/C__d')).toBe('a-b-c__d');
    expect(nameFromPath('///')).toBe('keyward');
  });

  test('default workload names differ for different paths (segments joined by "--", else a hash appended)', () => {
    expect(uniqueNameFromPath('payments-vault/Deploy')).toBe('payments-vault--deploy');
    // The reviewer's collision: both were "payments-api-reader".
    expect(uniqueNameFromPath('payments/Api-Reader')).toBe('payments--api-reader');
    expect(uniqueNameFromPath('payments-api/Reader')).toBe('payments-api--reader');
    // Ids with other characters get a hash of the whole path: "a--b/c" and "a/b--c" would both join to "a--b--c".
    const odd = [uniqueNameFromPath('a--b/c'), uniqueNameFromPath('a/b--c'), uniqueNameFromPath('a/b.c'), uniqueNameFromPath('a/b-c')];
    expect(odd[0]).toMatch(/^a-b-c-[0-9a-f]{8}$/);
    expect(new Set(odd).size).toBe(4);
    expect(validatePolicyName(odd[0])).toEqual([]);
  });
});
