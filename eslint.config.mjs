import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'cdktf.out/**', '**/*.js', '**/*.d.ts', '.cache/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      'eqeqeq': ['error', 'smart'],
      'prefer-const': 'error',
      // Named props interfaces that only extend a shared base keep each construct's API stable (jsii structs).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // @cloud-copilot/* (AGPL-3.0) is a devDependency for the integration tests' IAM evaluator only: never in the library.
    files: ['lib/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@cloud-copilot/*'], message: 'AGPL-3.0 test-only dependency: never import it from lib/ or bin/' }] }],
    },
  },
);
