/**
 * A minimal YAML writer for the adapter's configuration: block style for maps and lists, every value
 * double-quoted with JSON escapes (a valid YAML double-quoted scalar), so PromQL with braces, quotes, `<<` and
 * `$1` needs no further thought. Only strings, lists and maps occur in that file.
 */
export type YamlValue = string | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

// The adapter parses with gopkg.in/yaml.v2 (YAML 1.1), where a plain `on`, `no` or `y` is a boolean, even as a key.
const YAML11_WORDS = /^(y|yes|n|no|true|false|on|off|null)$/i;
const key = (k: string): string => (/^[A-Za-z][A-Za-z0-9_]*$/.test(k) && !YAML11_WORDS.test(k) ? k : JSON.stringify(k));

function lines(value: YamlValue, indent: string): string[] {
  if (typeof value === 'string') return [JSON.stringify(value)];
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    return (value as readonly YamlValue[]).flatMap((item) => {
      const [first = '', ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  const entries = Object.entries(value as Record<string, YamlValue | undefined>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return ['{}'];
  return entries.flatMap(([k, v]) => {
    const inner = lines(v!, `${indent}  `);
    const inline = typeof v === 'string' || inner[0] === '[]' || inner[0] === '{}';
    return inline ? [`${indent}${key(k)}: ${inner[0]}`] : [`${indent}${key(k)}:`, ...inner];
  });
}

/** The document for a top-level map. */
export function toYaml(doc: { readonly [key: string]: YamlValue | undefined }): string {
  return `${lines(doc, '').join('\n')}\n`;
}
