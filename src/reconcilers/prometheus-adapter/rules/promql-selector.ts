/**
 * Parses a Prometheus series selector — `metric{label="v",other=~"re"}` — as Prometheus parses `match[]` of
 * /api/v1/series, where the adapter sends every rule's seriesQuery. Errors say where and what, in Prometheus's words
 * where they are known.
 */
import { goRegexpError, goRegexpMatches } from './go-regexp.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface LabelMatcher { readonly name: string; readonly op: MatchOp; readonly value: string }
export interface SeriesSelector { readonly metric?: string; readonly matchers: readonly LabelMatcher[] }

const METRIC = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OP = /=~|!~|!=|=/y;
const STRING = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`([^`]*)`/y;
const SPACE = /\s*/y;

/** Go string-literal escapes as PromQL reads them inside "..." and '...'. */
function unquote(body: string): string {
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (m, e: string) =>
    simple[e] ?? (/^[xuU]/.test(e) ? String.fromCodePoint(parseInt(e.slice(1), 16)) : /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : m));
}

/** The parsed selector, or the first error. */
export function parseSeriesSelector(input: string): SeriesSelector | { error: string } {
  let pos = 0;
  const take = (re: RegExp): RegExpExecArray | null => {
    SPACE.lastIndex = pos; SPACE.exec(input); pos = SPACE.lastIndex;
    re.lastIndex = pos;
    const m = re.exec(input);
    if (m) pos = re.lastIndex;
    return m;
  };
  const fail = (what: string) => ({ error: `1:${pos + 1}: parse error: ${what}` });
  const metric = take(METRIC)?.[0];
  const matchers: LabelMatcher[] = [];
  if (take(/\{/y)) {
    while (!take(/\}/y)) {
      const name = take(LABEL)?.[0];
      if (!name) return fail(`unexpected ${JSON.stringify(input.slice(pos, pos + 1) || 'end of input')} in label matching, expected label name`);
      const op = take(OP)?.[0] as MatchOp | undefined;
      if (!op) return fail(`unexpected character after label ${name}, expected one of "=", "!=", "=~", "!~"`);
      const s = take(STRING);
      if (!s) return fail(`unexpected ${JSON.stringify(input.slice(pos, pos + 1) || 'end of input')} in label matching, expected string`);
      const value = s[3] ?? unquote(s[1] ?? s[2] ?? '');
      if (op === '=~' || op === '!~') {
        const err = goRegexpError(`^(?:${value})$`);
        if (err) return fail(`invalid regular expression in matcher ${name}${op}${JSON.stringify(value)}: ${err}`);
      }
      matchers.push({ name, op, value });
      if (!take(/,/y) && !take(/(?=\})/y)) {
        return fail(`unexpected ${JSON.stringify(input.slice(pos, pos + 1) || 'end of input')} in label matching, expected "," or "}"`);
      }
    }
  }
  if (take(/$/y) === null) return fail(`unexpected ${JSON.stringify(input.slice(pos, pos + 10))} after the selector`);
  if (!metric && matchers.length === 0) return fail('a series selector needs a metric name or {label matchers}');
  const named = matchers.find((m) => m.name === '__name__');
  if (metric && named) return fail(`metric name must not be set twice: ${JSON.stringify(metric)} or ${JSON.stringify(named.value)}`);
  if (!metric && matchers.every((m) => matchesEmpty(m))) return fail('vector selector must contain at least one non-empty matcher');
  return { ...(metric ? { metric } : {}), matchers };
}

/** Whether a matcher selects series without that label (Prometheus requires at least one that does not). */
function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=': return m.value === '';
    case '!=': return m.value !== '';
    case '=~': return goRegexpMatches(m.value, '');
    case '!~': return !goRegexpMatches(m.value, '');
  }
}

/**
 * The first unbalanced (, [ or { of a PromQL query, outside strings: the one mistake a template check cannot see,
 * and the adapter would only meet at query time ("parse error: unclosed left parenthesis").
 */
export function bracketError(query: string): string | undefined {
  const open: { c: string; at: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = query.indexOf(c, i + 1);
      if (end < 0) return `1:${i + 1}: parse error: unterminated quoted string`;
      i = end;
    } else if (c === '(' || c === '[' || c === '{') open.push({ c, at: i });
    else if (pairs[c]) {
      if (open.pop()?.c !== pairs[c]) return `1:${i + 1}: parse error: unexpected "${c}"`;
    }
  }
  const last = open.at(-1);
  return last ? `1:${last.at + 1}: parse error: unclosed "${last.c}"` : undefined;
}
