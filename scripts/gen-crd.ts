/**
 * Writes crds/metricsstack.io_metricsstacks.yaml from the TypeBox schemas in src/api/v1alpha1.
 *
 *   npm run gen:crd            (= node --experimental-strip-types scripts/gen-crd.ts, Node 24)
 *   npm run gen:crd -- --stdout   print instead of writing
 *   npm run gen:crd -- --check    exit 1 if the committed file is out of date
 *
 * Node's type stripping does not map the `.js` specifiers that tsconfig's NodeNext requires onto the `.ts` sources,
 * so a resolve hook retries a failing relative `.js` import as `.ts` before the sources are imported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

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

const { CRD_FILE, GEN_CRD_COMMAND, renderCrd } = await import('../src/api/v1alpha1/crd.js');
const target = new URL(`../${CRD_FILE}`, import.meta.url);
const rendered = renderCrd();
const args = new Set(process.argv.slice(2));

if (args.has('--stdout')) {
  process.stdout.write(rendered);
} else if (args.has('--check')) {
  if (readFileSync(target, 'utf8') !== rendered) {
    console.error(`${CRD_FILE} is out of date: run \`${GEN_CRD_COMMAND}\``);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, rendered);
  console.log(`wrote ${CRD_FILE}`);
}
