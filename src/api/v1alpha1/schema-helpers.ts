/**
 * Building blocks that keep TypeBox schemas inside what a Kubernetes structural schema allows: string enums as
 * `{type: string, enum}` (not `anyOf` of `const`), maps as `additionalProperties` (not `patternProperties`),
 * quantities as `x-kubernetes-int-or-string`, and defaults that the type system can see.
 */
import { FormatRegistry, Kind, Type, TypeRegistry } from '@sinclair/typebox';
import type {
  SchemaOptions,
  Static,
  StringOptions,
  TArray,
  TObject,
  TOptional,
  TProperties,
  TSchema,
  TString,
  TUnion,
  TInteger,
  TUnsafe,
} from '@sinclair/typebox';

/** One `x-kubernetes-validations` CEL rule; `message` is what the user reads when the rule fails. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** CEL for a message that quotes the values; `message` stays as the fallback should it fail to evaluate. */
  readonly messageExpression?: string;
  /** The field the apiserver names in the error, relative to the node that holds the rule (e.g. `.limits.cpu`). */
  readonly fieldPath?: string;
}

/** Options accepted by every helper: a `description` is mandatory because it is what `kubectl explain` shows. */
export type Described<O extends SchemaOptions = SchemaOptions> = O & {
  readonly description: string;
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
};

// Value.Check needs to know the custom kind and the formats we use; registering twice is harmless.
TypeRegistry.Set<{ enum: readonly string[] }>(
  'StringEnum',
  (schema, value) => typeof value === 'string' && schema.enum.includes(value),
);
FormatRegistry.Set('date-time', (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value));

/** A string restricted to `values`, serialised as `{type: string, enum: [...]}` and typed as their union. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Described): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: 'StringEnum', type: 'string', enum: [...values] });
}

/** A map from string keys to `values`, serialised as `additionalProperties` (structural schemas forbid patternProperties). */
export function StringMap<T extends TSchema>(
  values: T,
  options: Described<{ maxProperties?: number }>,
): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>(Type.Object({}, { ...options, additionalProperties: values }));
}

/** An optional property with a default; the default is part of the type so {@link Defaulted} can make it required. */
export type TDefault<T extends TSchema> = TOptional<T> & { readonly default: Static<T> };

/** Marks `schema` optional with `value` as its default (applied by the apiserver and by `withDefaults`). */
export function WithDefault<T extends TSchema>(schema: T, value: Static<T>): TDefault<T> {
  return Type.Optional({ ...schema, default: value }) as unknown as TDefault<T>;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredAfterDefaulting<P extends TProperties> = {
  [K in keyof P]: P[K] extends { readonly default: unknown } ? K : P[K] extends TOptional<TSchema> ? never : K;
}[keyof P];
type DefaultedObject<P extends TProperties> = Simplify<
  { [K in RequiredAfterDefaulting<P>]: Defaulted<P[K]> } & {
    [K in Exclude<keyof P, RequiredAfterDefaulting<P>>]?: Defaulted<P[K]>;
  }
>;

/** The static type of a value after defaulting: every property declared with {@link WithDefault} is present. */
export type Defaulted<T> =
  T extends TObject<infer P> ? DefaultedObject<P> : T extends TArray<infer I> ? Defaulted<I>[] : T extends TSchema ? Static<T> : never;

/**
 * A Go duration such as `15s`, `1m30s` or `2h` (what metrics-server, the adapter and Cluster Autoscaler parse).
 * Written without backslashes so CEL rules can embed it in a string literal.
 */
export const DURATION_PATTERN = '^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$';

const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration that matches {@link DURATION_PATTERN} (the CRD checked it), e.g. 1m30s → 90000. */
export const durationMs = (text: string): number =>
  [...text.matchAll(/([0-9]+(?:[.][0-9]+)?)(ns|us|ms|s|m|h)/g)].reduce((ms, [, n, unit]) => ms + Number(n) * (DURATION_UNIT_MS[unit!] ?? 0), 0);

/** A Go duration string. */
export function Duration(options: Described<StringOptions>): TString {
  return Type.String({ maxLength: 64, ...options, pattern: DURATION_PATTERN });
}

/** A Kubernetes namespace name (an RFC 1123 label). */
export function NamespaceName(options: Described): TString {
  return Type.String({ ...options, minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });
}

/** A container image reference. */
export function Image(options: Described): TString {
  return Type.String({ ...options, minLength: 1, maxLength: 512 });
}

/** The pattern Kubernetes uses for a `resource.Quantity` (e.g. `100m`, `200Mi`, `1`). */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/**
 * CEL that reads an int-or-string quantity field `field` (e.g. `self.limits.cpu`) as a Quantity; guard it with
 * {@link isQuantityCel} so a malformed value is reported once, by the pattern, not again as a CEL error.
 */
export const quantityCel = (field: string): string => `quantity(string(${field}))`;
/** CEL: whether the int-or-string `field` parses as a Quantity. */
export const isQuantityCel = (field: string): string => `isQuantity(string(${field}))`;

/**
 * A resource quantity, serialised the way controller-gen does: int-or-string with the quantity pattern. The pattern
 * lets a sign through (it is the Quantity grammar), so a CEL rule refuses negative amounts, which every pod spec
 * refuses too: without it the spec is accepted and each apply of the Deployment then fails.
 */
export function Quantity(options: Described): TUnion<[TInteger, TString]> {
  const nonNegative: CelRule = {
    // isLessThan, not sign(): kube-apiserver v1.36 offers no sign() on a Quantity (the CRD is refused).
    rule: `!${isQuantityCel('self')} || !${quantityCel('self')}.isLessThan(quantity('0'))`,
    message: 'must not be negative: Kubernetes refuses a negative resource quantity',
  };
  return Type.Union([Type.Integer(), Type.String()], {
    ...options,
    'x-kubernetes-int-or-string': true,
    pattern: QUANTITY_PATTERN,
    'x-kubernetes-validations': [...(options['x-kubernetes-validations'] ?? []), nonNegative],
  });
}
