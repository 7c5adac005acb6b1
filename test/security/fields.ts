/**
 * What each command body accepts, told to the fuzzer in just enough detail to make values the
 * API must refuse. A field says its kind; `optional` (absent is fine, including `.default()`) and
 * `nullable` (null is fine) keep the fuzzer from producing bodies that could be valid.
 */
export type Field = Kind & { readonly optional?: boolean; readonly nullable?: boolean };
export type Fields = Readonly<Record<string, Field>>;

export type Kind =
  /** `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$` */
  | { readonly kind: 'id' }
  /** A string of `min`..`max` characters, counted after trimming when `trim`. Any content is fine. */
  | { readonly kind: 'string'; readonly min: number; readonly max: number; readonly trim: boolean }
  /** A string with a format of its own (phone, e-mail, …): `invalid` lists strings it refuses. */
  | { readonly kind: 'pattern'; readonly invalid: readonly string[] }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** CNY with at most two decimals, as a string or a number; `signed` when a negative amount is meaningful. */
  | { readonly kind: 'money'; readonly signed: boolean }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  /** A finite JSON number from `min` to `max`, decimals allowed (a share, a rate). */
  | { readonly kind: 'number'; readonly min: number; readonly max: number }
  | { readonly kind: 'bool' }
  /** YYYY-MM */
  | { readonly kind: 'month' }
  /** An ISO 8601 date or time; `past` when a future time is refused (business time of a fact). */
  | { readonly kind: 'time'; readonly past: boolean }
  | { readonly kind: 'array'; readonly of: Field; readonly min: number; readonly max: number; readonly sample: unknown }
  /** A strict object: unknown keys are refused. */
  | { readonly kind: 'object'; readonly fields: Fields }
  /** Org unit id → amount: one to fifty existing units. */
  | { readonly kind: 'assetsByUnit' };

export const f = {
  id: (): Field => ({ kind: 'id' }),
  /** Trimmed, non-empty text (`text(max)` in the API's schemas). */
  text: (max: number): Field => ({ kind: 'string', min: 1, max, trim: true }),
  /** Free text that may be empty (`z.string().max(max)`). */
  free: (max: number, min = 0): Field => ({ kind: 'string', min, max, trim: false }),
  pattern: (...invalid: string[]): Field => ({ kind: 'pattern', invalid }),
  oneOf: (...values: string[]): Field => ({ kind: 'enum', values }),
  money: (): Field => ({ kind: 'money', signed: false }),
  signedMoney: (): Field => ({ kind: 'money', signed: true }),
  int: (min: number, max: number): Field => ({ kind: 'int', min, max }),
  number: (min: number, max: number): Field => ({ kind: 'number', min, max }),
  bool: (): Field => ({ kind: 'bool' }),
  month: (): Field => ({ kind: 'month' }),
  time: (): Field => ({ kind: 'time', past: false }),
  array: (of: Field, sample: unknown, min: number, max: number): Field => ({ kind: 'array', of, sample, min, max }),
  object: (fields: Fields): Field => ({ kind: 'object', fields }),
  assetsByUnit: (): Field => ({ kind: 'assetsByUnit' }),
  /** `occurredAt`, on most commands: optional, and never in the future. */
  occurredAt: { kind: 'time', past: true, optional: true } as Field,
};

export const optional = (field: Field): Field => ({ ...field, optional: true });
export const nullable = (field: Field): Field => ({ ...field, nullable: true });
