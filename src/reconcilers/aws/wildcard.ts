/**
 * The `*` / `?` wildcard matching AWS uses in Fargate selectors and in IAM StringLike conditions: `*` is any run of
 * characters (also none), `?` exactly one; everything else is literal and case-sensitive. No regular expressions,
 * so a hostile pattern cannot blow up: greedy two-pointer matching with one backtrack point, O(pattern × value).
 */

/** True when `value` matches `pattern` as a whole. */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1; // position after the last '*' seen
  let starV = 0; // where in value that '*' started matching
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v]) && pattern[p] !== '*') {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = ++p;
      starV = v;
    } else if (starP !== -1) {
      // Let the last '*' swallow one more character and retry from there.
      p = starP;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
