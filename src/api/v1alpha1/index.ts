/** The MetricsStack API, metricsstack.io/v1alpha1. */
export * from './conditions.js';
export * from './crd.js';
export * from './defaults.js';
export * from './schema.js';
export type { CelRule, Defaulted } from './schema-helpers.js';
export * from './types.js';
