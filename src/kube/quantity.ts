/**
 * Kubernetes resource quantities (`100m`, `1024Mi`, `1.5Gi`, `1e3`), compared by value: the apiserver stores the
 * canonical form (`1024Mi` comes back as `1Gi`, `0.5` as `500m`), so comparing the strings would see drift on every
 * pass and re-apply an object that is already right.
 */

/** An exact rational value: a quantity may be fractional (`0.1`) or below one unit (`5m`), so no float is used. */
interface Exact {
  readonly num: bigint;
  readonly den: bigint;
}

// The grammar of k8s.io/apimachinery/pkg/api/resource: a signed decimal, then a binary-SI, exponent or decimal-SI suffix.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The value of a quantity string, or undefined when it is not one. */
export function parseQuantity(text: string): Exact | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign, number = '', suffix = ''] = m;
  const [whole = '', fraction = ''] = number.split('.');
  let num = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(fraction.length);
  const exponent = suffix in BINARY ? undefined : /^[eE][+-]?\d/.test(suffix) ? Number(suffix.slice(1)) : (DECIMAL[suffix] ?? 0);
  if (exponent === undefined) num *= 2n ** BigInt(BINARY[suffix] ?? 0);
  else if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den *= 10n ** BigInt(-exponent);
  return { num, den };
}

/** True when both strings are quantities of the same value (`1024Mi` and `1Gi`, `0.5` and `500m`). */
export function sameQuantity(a: string, b: string): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x.num * y.den === y.num * x.den;
}
