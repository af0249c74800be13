// ESLint flat config: typescript-eslint's type-aware recommended rules; floating promises are errors,
// since an unawaited promise in the server or the client loses its failure silently.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/screenshots/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test and mocha collect the promises their test functions return.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
            { from: 'package', package: 'test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      // Parsed YAML is untyped by nature; the core narrows it with guards instead of casting everywhere.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Prettier wraps code at 160 columns but leaves long strings whole, so this rule holds strings to the width too:
    // a long message is written as a concatenation of pieces. Only a URL may pass, since breaking it would make it unusable.
    files: ['**/*.{ts,mjs}'],
    rules: { 'max-len': ['error', { code: 160, ignoreUrls: true }] },
  },
);
