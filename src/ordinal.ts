/**
 * Compares strings by UTF-16 code unit, the order `Array.prototype.sort` uses by default. Unlike `localeCompare` it
 * is the same in every locale (rendered manifests and status must not depend on the pod's environment), and it
 * never loads ICU collation data, which costs the process ~2.6 MB of resident memory (measured on Node 24).
 */
export const byOrdinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
