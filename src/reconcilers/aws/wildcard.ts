/**
 * The `*` / `?` wildcard matching AWS uses in Fargate selectors and in IAM StringLike conditions: `*` is any run of
 * characters (also none), `?` exactly one; everything else is literal and case-sensitive. No regular expressions,
 * so a hostile pattern cannot blow up: greedy two-pointer matching with one backtrack point, O(pattern × value).
 */

/** True when `value` matches `pattern` as a whole. */
export function wildcardMatch(pattern: string, value: string): boolean {
  return globMatch(pattern, value, () => true);
}

/**
 * True when every value `inner` matches is matched by `outer` too (both patterns): `team-*` covers `team-a` and
 * `team-?`, not the reverse. `inner` is matched as text whose own `*` only an `outer` `*` may absorb and whose own `?`
 * only an `outer` `?` or `*` may. That is sound but not complete: `*?` does cover `?*`, and this says it does not.
 */
export function wildcardCovers(outer: string, inner: string): boolean {
  return globMatch(outer, inner, (c) => c !== '*');
}

/** The matcher both share; `oneMatches` says whether a `?` of the pattern may stand for this character of the value. */
function globMatch(pattern: string, value: string, oneMatches: (c: string) => boolean): boolean {
  let p = 0;
  let v = 0;
  let starP = -1; // position after the last '*' seen
  let starV = 0; // where in value that '*' started matching
  while (v < value.length) {
    const c = value[v]!;
    if (p < pattern.length && pattern[p] !== '*' && (pattern[p] === '?' ? oneMatches(c) : pattern[p] === c)) {
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
