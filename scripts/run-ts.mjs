// Runs a TypeScript file on Node 24 without a build step: `node --experimental-transform-types scripts/run-ts.mjs
// <file.ts> [args...]`. Node strips (and, with that flag, transforms) the types itself; this hook only maps the `.js`
// specifiers that tsconfig's NodeNext resolution requires onto the `.ts` sources. The file runs where it is, so its
// import.meta.url and relative paths stay true (a bundle in another folder would break them).
import { registerHooks } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      if (!/^\.\.?\//.test(specifier) || !specifier.endsWith('.js')) throw err;
      return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
    }
  },
});

const [entry, ...args] = process.argv.slice(2);
if (!entry) throw new Error('usage: node --experimental-transform-types scripts/run-ts.mjs <file.ts> [args...]');
process.argv = [process.argv[0], resolve(entry), ...args];
await import(pathToFileURL(resolve(entry)).href);
