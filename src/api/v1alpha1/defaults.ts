/**
 * Defaulting, from the same `default`s the apiserver applies, so reconcilers never repeat a default. The apiserver
 * already defaults stored objects; this covers objects built in code and tests, and gives the stricter type.
 */
import { Value } from '@sinclair/typebox/value';
import { MetricsStackSpecSchema } from './schema.js';
import type { Defaulted } from './schema-helpers.js';
import type { MetricsStackSpec } from './types.js';

/** A spec after defaulting: every field with a documented default is present. */
export type DefaultedMetricsStackSpec = Defaulted<typeof MetricsStackSpecSchema>;

/** Returns a defaulted copy of `spec`; `spec` itself is not changed. */
export function withDefaults(spec: MetricsStackSpec | undefined): DefaultedMetricsStackSpec {
  return Value.Default(MetricsStackSpecSchema, Value.Clone(spec ?? {})) as DefaultedMetricsStackSpec;
}
