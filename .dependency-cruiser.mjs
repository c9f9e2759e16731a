/**
 * Import cycles in src/, counting type-only imports. ESLint's import-x/no-cycle skips `import type` (it has no
 * runtime effect), but a cycle of types still ties two files into one unit; the layering zones are ESLint's
 * (import-x/no-restricted-paths in eslint.config.js).
 */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Move what both files need into a third file that both import.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
