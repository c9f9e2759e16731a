/** The HPA doctor's pure core, for the operator and the kubectl plugin. */
export { HpaCause, rootCause, type Finding, type HpaVerdict } from './causes.js';
export { API_SERVICE_NAMES, type ApiServiceFacts, type HpaFacts, type MetricsApi, type TargetFacts } from './facts.js';
export { diagnoseHpa } from './verdict.js';
export { summarizeVerdicts, NAMED_PER_CAUSE, type WorkloadAutoscalingSummary } from './summary.js';
