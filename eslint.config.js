import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'charts/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Follow imports into .ts files too (by default import-x reads only .js ones), parsed as TypeScript.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Imports name the emitted `.js`; resolve them to the `.ts` beside it, as tsc does under NodeNext.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: [
        { target: './src/render', from: ['./src/reconcilers', './src/kube', './src/cloud', './src/controllers'] },
        { target: './src/api', from: './src', except: ['./api'] },
        { target: './src/cloud', from: ['./src/reconcilers', './src/controllers'] },
      ] }],
    },
  },
  // Issue 13: no line over 160 characters and no file over 200 lines in src/ (comments and blank lines included).
  { files: ['src/**/*.ts'], rules: { 'max-len': ['error', { code: 160, ignoreUrls: false }], 'max-lines': ['error', { max: 200 }] } },
  { files: ['scripts/**', 'test/**', 'hack/**'], rules: { 'no-console': 'off' } },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
