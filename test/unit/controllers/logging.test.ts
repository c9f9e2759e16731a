import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { controllerLogger, createLogger, keyLogger } from '../../../src/controllers/logging.js';

describe('createLogger', () => {
  it('writes JSON lines whose child loggers carry controller and key', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const root = createLogger({ destination });
    keyLogger(controllerLogger(root, 'metricsstack'), 'default').warn('retrying');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', controller: 'metricsstack', key: 'default', msg: 'retrying' });
    expect(JSON.parse(lines[0]!).time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
