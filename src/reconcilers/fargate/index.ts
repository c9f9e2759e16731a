/** Fargate placement of metrics-server: FargatePlacement runs before the backends, the verifier after them. */
export { FargatePlacement, type FargatePlacementDeps } from './placement.js';
export { FargatePlacementVerifier } from './verifier.js';
export { podPlacementChanged, trimPod } from './pods.js';
