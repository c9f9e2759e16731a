/**
 * Prints the Markdown table of a saved run, e.g. to refresh the README after `make bench`:
 * node --experimental-transform-types --no-warnings scripts/run-ts.mjs bench/render.ts bench/results/<file>.json
 */
import { readFileSync } from 'node:fs';
import { out } from './log.js';
import { report } from './report.js';
import type { BenchResults } from './results.js';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/render.ts bench/results/<file>.json');
out(report(JSON.parse(readFileSync(file, 'utf8')) as BenchResults));
