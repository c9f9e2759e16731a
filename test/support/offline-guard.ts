// vitest setup file for every project: no test file runs in a process that could send a packet off the machine.
import { assertOffline } from './offline.js';

await assertOffline('the test run');
