/**
 * Checks a regular expression against Go's regexp (RE2) syntax, which the adapter (name.matches) and Prometheus
 * (=~ and !~ matchers) compile. No RE2 parser exists in Node, so: the constructs RE2 refuses but JavaScript accepts
 * are rejected here by name (lookaround, backreferences, atomic groups, possessive quantifiers, repeat counts over
 * 1000), Go-only syntax JavaScript lacks is translated away (\A, \z, (?P<name>, flag groups, POSIX classes), and
 * JavaScript's own parser judges the rest. Messages follow Go's wording where Go's is known.
 */

const REPEAT = String.raw`(?:[*+?]|\{\d+(?:,\d*)?\})`;

/** Go's error for the first construct RE2 does not support, or undefined when there is none. */
function unsupported(re: string): string | undefined {
  const unescaped = re.replace(/\\\\/g, '');
  const escape = /\\([1-9]|k<|[ZGXRhHKN])/.exec(unescaped);
  if (escape) {
    return /[1-9k]/.test(escape[1]![0]!)
      ? `invalid escape sequence: \`${escape[0]}\` (RE2 has no backreferences)`
      : `invalid escape sequence: \`${escape[0]}\``;
  }
  // Structure only: escapes and character classes removed, so `\(?=` or `[*+]` are not mistaken for syntax.
  const structure = unescaped.replace(/\\./g, 'x').replace(/\[(?:\\.|[^\]\\])*\]/g, 'x');
  const lookaround = /\(\?<?[=!]/.exec(structure);
  if (lookaround) return `invalid or unsupported Perl syntax: \`${lookaround[0]}\` (RE2 has no lookahead or lookbehind)`;
  if (structure.includes('(?>')) return 'invalid or unsupported Perl syntax: `(?>` (RE2 has no atomic groups)';
  const nested = new RegExp(`${REPEAT}\\??(?:[*+]|\\{\\d+(?:,\\d*)?\\})`).exec(structure);
  if (nested) return `invalid nested repetition operator: \`${nested[0]}\``;
  for (const m of structure.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(m[1]) > 1000 || (m[2] && Number(m[2]) > 1000)) return `invalid repeat count: \`${m[0]}\``;
  }
  return undefined;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Rewrites Go-only syntax into JavaScript with the same structure, so that JavaScript's parser can judge the rest. */
function toJavaScript(re: string): string | { error: string } {
  let out = re
    .replace(/\\[Az]/g, '')
    .replace(/\(\?P</g, '(?<')
    .replace(/\\Q([\s\S]*?)(\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  // Flag groups: (?i) sets flags for the rest; (?i:...) is a non-capturing group with flags.
  const flags = /\(\?([imsU]*)(-[imsU]*)?(\)|:)/g;
  for (const m of out.matchAll(flags)) {
    if (m[3] === ')' && m[1] === '' && (m[2] ?? '') === '') return { error: `invalid or unsupported Perl syntax: \`${m[0]}\`` };
  }
  out = out.replace(flags, (_m, _on, _off, end: string) => (end === ':' ? '(?:' : ''));
  for (const m of out.matchAll(/\[:(\^?)([a-z]+):\]/g)) {
    if (!POSIX_CLASSES[m[2]!]) return { error: `invalid character class range: \`${m[0]}\`` };
  }
  out = out.replace(/\[:(\^?)([a-z]+):\]/g, (_m, neg: string, name: string) => (neg ? `\\x00-\\x7F` : POSIX_CLASSES[name]!));
  return out;
}

/** Go's error message for `re`, or undefined when Go's regexp.Compile would accept it. */
export function goRegexpError(re: string): string | undefined {
  const bad = unsupported(re);
  if (bad) return `error parsing regexp: ${bad}`;
  const js = toJavaScript(re);
  if (typeof js !== 'string') return `error parsing regexp: ${js.error}`;
  try {
    new RegExp(js);
    return undefined;
  } catch (err) {
    // "Invalid regular expression: /x(/: Unterminated group" → "Unterminated group"
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '');
    return `error parsing regexp: ${reason.toLowerCase()}: \`${re}\``;
  }
}

/** The number of capture groups, as Go's Regexp.NumSubexp counts them (non-capturing and flag groups excluded). */
export function captureGroups(re: string): number {
  const plain = re.replace(/\\./g, '').replace(/\[(?:\\.|[^\]\\])*\]/g, '');
  return [...plain.matchAll(/\((?!\?)|\(\?P?<[A-Za-z_]/g)].length;
}

/** An anchored matcher for `re`, for checks such as "does this matcher match the empty string" (Go semantics approximated). */
export function goRegexpMatches(re: string, value: string): boolean {
  const js = toJavaScript(re);
  return typeof js === 'string' && new RegExp(`^(?:${js})$`).test(value);
}

/**
 * Go's `re.ExpandString(nil, template, value, re.FindStringSubmatchIndex(value))`: the leftmost match of `re` in
 * `value` (unanchored), then `template` with `$1`, `${1}`, `$name`, `${name}` replaced by the groups (an unknown or
 * unmatched group by ""; `$$` is a dollar). As in Go, `$1_x` names the group `1_x`, which does not exist: write
 * `${1}_x`. undefined: `re` does not match `value` (the adapter then drops the series) or cannot be translated.
 */
export function goRegexpExpand(re: string, template: string, value: string): string | undefined {
  const js = toJavaScript(re);
  if (typeof js !== 'string') return undefined;
  const m = new RegExp(js).exec(value);
  if (!m) return undefined;
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, _e: string, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    return (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? '';
  });
}
