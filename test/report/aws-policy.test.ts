// The IAM statement evaluator of the report, piece by piece.
import { conditionHolds, ContextValue, globMatch, PolicyRequest, principalMatches, Statement, UNKNOWN_CHAR } from '../../lib/report/aws-policy';

function req(context: { [key: string]: ContextValue }, principal: Partial<PolicyRequest> = {}): PolicyRequest {
  return { action: 'secretsmanager:GetSecretValue', resource: 'arn:x', ...principal, context: (k) => context[k] ?? 'unknown' };
}

const holds = (Condition: Statement['Condition'], context: { [key: string]: ContextValue }) => conditionHolds({ Condition }, req(context), new Set());

test('glob matching: * and ?, letter case for actions only, and the unknown secret suffix', () => {
  expect(globMatch('arn:aws:secretsmanager:*:*:secret:app/*', 'arn:aws:secretsmanager:eu-west-1:1:secret:app/db-AbC123')).toBe(true);
  expect(globMatch('secretsmanager:get*', 'secretsmanager:GetSecretValue', true)).toBe(true);
  expect(globMatch('secretsmanager:get*', 'secretsmanager:GetSecretValue')).toBe(false);
  const arn = `arn:aws:secretsmanager:r:1:secret:app/db-${UNKNOWN_CHAR.repeat(6)}`;
  expect(globMatch('arn:aws:secretsmanager:r:1:secret:app/db-??????', arn)).toBe(true);
  expect(globMatch('arn:aws:secretsmanager:r:1:secret:app/db-AbC123', arn)).toBe(true);
  expect(globMatch('arn:aws:secretsmanager:r:1:secret:app/db', arn)).toBe(false);
  expect(globMatch('arn:aws:secretsmanager:r:1:secret:app/d?-*', arn)).toBe(true);
});

test('conditions: absent keys, IfExists, Null, set operators and negation', () => {
  expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'a' } }, {})).toBe('maybe');
  expect(holds({ StringEquals: { 'k': 'a' } }, { k: [] })).toBe('no');
  expect(holds({ StringEqualsIfExists: { 'k': 'a' } }, { k: [] })).toBe('yes');
  expect(holds({ StringNotEquals: { 'k': 'a' } }, { k: [] })).toBe('yes');
  expect(holds({ StringNotEquals: { 'k': ['a', 'b'] } }, { k: ['b'] })).toBe('no');
  expect(holds({ Null: { 'k': 'true' } }, { k: [] })).toBe('yes');
  expect(holds({ Null: { 'k': 'false' } }, { k: [] })).toBe('no');
  expect(holds({ 'ForAnyValue:StringLike': { 'k': ['keyward:*'] } }, { k: ['other', 'keyward:access:x'] })).toBe('yes');
  expect(holds({ 'ForAnyValue:StringLike': { 'k': ['keyward:*'] } }, { k: [] })).toBe('no');
  expect(holds({ 'ForAllValues:StringEquals': { 'k': ['a', 'b'] } }, { k: ['a', 'c'] })).toBe('no');
  expect(holds({ 'ForAllValues:StringEquals': { 'k': ['a', 'b'] } }, { k: [] })).toBe('yes');
  expect(holds({ 'ForAnyValue:StringNotLike': { 'k': ['a*'] } }, { k: ['ab', 'c'] })).toBe('yes');
  expect(holds({ StringEqualsIgnoreCase: { 'k': 'READ' } }, { k: ['read'] })).toBe('yes');
  expect(holds({ NumericLessThan: { 'k': '3' } }, { k: ['1'] })).toBe('maybe');
  // Several keys and operators: all must hold.
  expect(holds({ StringEquals: { a: '1' }, StringLike: { b: 'x*' } }, { a: ['1'], b: ['y'] })).toBe('no');
});

test('principals: an ARN, an account (number or root ARN), every principal, a service, NotPrincipal', () => {
  const role = { principalArn: 'arn:aws:iam::111111111111:role/r', principalAccount: '111111111111' };
  const named = (Principal: unknown, p: Partial<PolicyRequest> = role) => principalMatches({ Principal }, req({}, p));
  expect(named({ AWS: 'arn:aws:iam::111111111111:role/r' })).toBe('yes');
  expect(named({ AWS: '111111111111' })).toBe('yes');
  expect(named({ AWS: 'arn:aws:iam::111111111111:root' })).toBe('yes');
  expect(named({ AWS: 'arn:aws:iam::222222222222:root' })).toBe('no');
  expect(named('*')).toBe('yes');
  expect(named({ Service: 'logs.amazonaws.com' }, { service: 'logs.amazonaws.com' })).toBe('yes');
  expect(named({ AWS: '*' }, { service: 'logs.amazonaws.com' })).toBe('no');
  expect(principalMatches({ NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/r' } }, req({}, role))).toBe('no');
});
