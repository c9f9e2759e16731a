/**
 * Checks a Go text/template with the adapter's delimiters `<<` and `>>` (metricsQuery, containerQuery, nodeQuery,
 * resources.template) before the adapter parses it at start, and before it executes it at query time, where an unknown
 * field fails every query ("can't evaluate field ..."). It checks what users get wrong: unclosed actions, unbalanced
 * if/range/with/end, unterminated strings, and fields or functions that do not exist. It does not type-check pipelines.
 */

/** What the adapter passes each template (pkg/naming: queryTemplateArgs, and the resource converter's Group/Resource). */
export const QUERY_TEMPLATE_FIELDS = ['Series', 'LabelMatchers', 'LabelValuesByName', 'GroupBy', 'GroupBySlice'] as const;
export const RESOURCE_TEMPLATE_FIELDS = ['Group', 'Resource'] as const;

// text/template's keywords and builtin functions; the adapter registers no functions of its own.
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'block', 'template', 'break', 'continue', 'nil', 'true', 'false']);
const BUILTINS = new Set([
  'and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'call',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge',
]);
const OPENS = new Set(['if', 'range', 'with', 'define', 'block']);
const TOKEN = new RegExp([
  /\s+/, /"(?:[^"\\\n]|\\.)*"/, /`[^`]*`/, /'(?:[^'\\\n]|\\.)+'/, /\$[A-Za-z0-9_]*/, /(?:\.[A-Za-z_][A-Za-z0-9_]*)+/, /\./,
  /[A-Za-z_][A-Za-z0-9_]*/, /-?[0-9][0-9a-fA-FxX._+-]*/, /:=/, /=/, /\|/, /\(/, /\)/, /,/,
].map((r) => r.source).join('|'), 'y');

/** The first error in `template`, or undefined. `fields` are the names `.Field` may refer to at the top level. */
export function goTemplateError(template: string, fields: readonly string[]): string | undefined {
  const stack: string[] = [];
  let at = 0;
  for (;;) {
    const open = template.indexOf('<<', at);
    if (open < 0) break;
    const close = closingDelimiter(template, open + 2);
    const line = template.slice(0, open).split('\n').length;
    if (close < 0) return `template: ${line}: unclosed action`;
    let body = template.slice(open + 2, close);
    at = close + 2;
    if (/^-\s/.test(body)) body = body.slice(1);
    if (/\s-$/.test(body)) body = body.slice(0, -1);
    body = body.trim();
    if (body.startsWith('/*')) {
      if (!body.endsWith('*/')) return `template: ${line}: unclosed comment`;
      continue;
    }
    const err = actionError(body, fields, stack);
    if (err) return `template: ${line}: ${err}`;
  }
  return stack.length > 0 ? `template: unexpected EOF: <<${stack.at(-1)}>> has no matching <<end>>` : undefined;
}

/** Index of the `>>` that closes an action, skipping `>>` inside quoted strings. */
function closingDelimiter(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '`' || c === "'") {
      const end = c === '`' ? s.indexOf('`', i + 1) : findQuoteEnd(s, i + 1, c);
      if (end < 0) return -1;
      i = end;
    } else if (c === '>' && s[i + 1] === '>') return i;
  }
  return -1;
}

function findQuoteEnd(s: string, from: number, quote: string): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === quote) return i;
    else if (s[i] === '\n') return -1;
  }
  return -1;
}

function actionError(body: string, fields: readonly string[], stack: string[]): string | undefined {
  if (body === '') return 'missing value for command';
  const words: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(body);
    if (!m) return `unexpected ${JSON.stringify(body.slice(start, start + 1))} in command`;
    if (m[0].trim() !== '') words.push(m[0]);
  }
  // Inside range and with, `.` is something else: only fields of the template's own argument are checked.
  const topLevel = !stack.some((k) => k === 'range' || k === 'with');
  for (const w of words) {
    if (/^\.[A-Za-z_]/.test(w)) {
      const field = w.slice(1).split('.')[0]!;
      if (topLevel && !fields.includes(field)) return `can't evaluate field ${field}: the adapter provides ${fields.map((f) => `.${f}`).join(', ')}`;
    } else if (/^[A-Za-z_]/.test(w) && !KEYWORDS.has(w) && !BUILTINS.has(w)) {
      return `function ${JSON.stringify(w)} not defined`;
    }
  }
  const [first = ''] = words;
  if (OPENS.has(first)) stack.push(first);
  else if (first === 'end') {
    if (stack.pop() === undefined) return 'unexpected <<end>>';
  } else if (first === 'else' && !['if', 'range', 'with'].includes(stack.at(-1) ?? '')) return 'unexpected <<else>>';
  return undefined;
}
