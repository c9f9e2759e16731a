/**
 * Writes crds/metricsstack.io_metricsstacks.yaml from the TypeBox schemas in src/api/v1alpha1.
 *
 *   npm run gen:crd            (= node --experimental-transform-types scripts/run-ts.mjs scripts/gen-crd.ts)
 *   npm run gen:crd -- --stdout   print instead of writing
 *   npm run gen:crd -- --check    exit 1 if the committed file is out of date
 *
 * scripts/run-ts.mjs maps the `.js` specifiers that tsconfig's NodeNext requires onto the `.ts` sources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CRD_FILE, GEN_CRD_COMMAND, renderCrd } from '../src/api/v1alpha1/crd.js';

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
