import fc from 'fast-check';
import type { Field, Fields } from './fields';

/**
 * Hostile request bodies for one command, each built so that no reading of the API contract could
 * accept it: a valid example with one part broken in a way its schema forbids, or a body that is
 * not a JSON object at all. Bodies are written as text, so they can hold what JSON.stringify
 * cannot (1e309, NaN, nesting 100,000 deep) or will not (an own `__proto__` key).
 */

export type Category =
  | 'wrong type'
  | 'bad format'
  | 'out of range'
  | 'bad amount'
  | 'negative amount'
  | 'huge string'
  | 'injection'
  | 'malformed text'
  | 'unknown field'
  | 'prototype key'
  | 'deep nesting'
  | 'missing field'
  | 'not an object'
  | 'invalid JSON'
  | 'wrong content type'
  | 'too large';

export interface HostileCase {
  readonly category: Category;
  /** What was broken, for the report. */
  readonly label: string;
  /** The request body as sent. */
  readonly text: string;
  readonly contentType: string;
  /** Clients may send an Idempotency-Key with any command; the API then hashes the body first. */
  readonly idempotencyKey: boolean;
}

/** A valid body and what its fields accept. */
export interface BodyShape {
  readonly valid: Readonly<Record<string, unknown>>;
  readonly fields: Fields;
}

/** A JSON fragment written into the body text as it is. */
class Raw {
  constructor(
    readonly text: string,
    readonly name: string,
  ) {}
}

const SQL = ["'; DROP TABLE es_events; --", "' OR '1'='1", '1; DELETE FROM es_events', '" OR 1=1 --', "admin'--", "1' UNION SELECT * FROM pii_vault --", '$1', "'); TRUNCATE es_events; --"];
const SCRIPT = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{constructor.constructor("alert(1)")()}}', '${7*7}', '<svg/onload=alert(1)>'];
const INJECTION = [...SQL, ...SCRIPT];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
/** Keys the API's own command objects use: a body must not be able to set them. */
const SMUGGLED_KEYS = ['type', 'org', 'by', 'at', 'streamId', 'expectedRevision', 'actor', 'userId', 'role', 'isAdmin', '$where', '$gt', '', ' '];
const POLLUTION = { isAdmin: true, polluted: 'yes' };

const raw = (text: string) => new Raw(text, text);
const deepArray = (depth: number) => new Raw('['.repeat(depth) + ']'.repeat(depth), `[array nested ${depth} deep]`);
const deepObject = (depth: number) => new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), `[object nested ${depth} deep]`);
const depth = fc.oneof({ arbitrary: fc.constant(5_000), weight: 3 }, { arbitrary: fc.constant(100_000), weight: 1 });
const deep = fc.oneof(depth.map(deepArray), depth.map(deepObject));
/** At least 100,000 characters, none of them whitespace (trimming must not save it). */
const huge = fc.record({ length: fc.integer({ min: 100_000, max: 200_000 }), char: fc.constantFrom('A', '9', '汉', "'", '<') }).map(({ length, char }) => char.repeat(length));
/** Not text: NUL, and halves of a surrogate pair (no Unicode character; Postgres jsonb refuses both). */
const MALFORMED_TEXT = ['nul\u0000inside', '\u0000', 'lone \ud800 high surrogate', 'lone \udfff low surrogate'];
const BAD_IDS = ['', ' ', 'a b', "O'Brien", '-x', '_x', '.x', ':x', 'x/y', '../../etc/passwd', 'x'.repeat(65), '汉字', 'a\u0000b', 'a\nb', '%00', '${jndi:ldap://x/a}', 'C1 ', ' C1', '\ud800'];
const BAD_AMOUNTS: unknown[] = [
  'NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '-0.001', '0.001', '1.234', '1,000.00', '1 000', '0x10', '1e3', '+5', '', ' ', '١٢٣', '12345678901234', '¥100', '100 CNY', '.5', '5.', '--5',
  0.001, -0.001, 1.005, 1e21, 12345678901234, 5e-7, 0.1 + 0.2,
  raw('1e309'), raw('-1e309'), raw('NaN'), raw('Infinity'), raw('-Infinity'), raw('0x10'), raw('+1'), raw('.5'), raw('01'),
];
const NEGATIVE_AMOUNTS: unknown[] = ['-100.00', '-1', '-0.01', -100, -0.5, '-9999999999999.99', ' -5'];
const BAD_MONTHS = ['2026-13', '2026-00', '2026-3', '26-03', '2026-03-01', '2026/03', 'March 2026', '２０２６-03', '', '2026-1a', '999-01', '+2026-01'];
const BAD_TIMES = ['not a date', '2026-13-01', '2026-01-32', '2026-02-30', '2026-04-31', '2026-01-01T25:00:00Z', '2026-01-01T12:60:00Z', '2026-1-1', '01/02/2026', '', '2026-01-01 12:00', '20260101', 'T12:00', '2026-01-01T12:00:00', '2026-01-01T12:00:00.000', '2026-01-01T12:00'];
const FUTURE_TIMES = ['2999-01-01', '2100-01-01T00:00:00Z'];
const INVALID_JSON = ['{', '}', '{"a":}', '{a:1}', "{'a':1}", '[1,]', 'NaN', 'undefined', '{"a":1}/*c*/', '<?xml version="1.0"?><a/>', 'a=1&b=2', "'; DROP TABLE es_events; --", '<script>alert(1)</script>', ' \t\r\n', '\u0000', '{"a":"\\x41"}', '{"a":"\\ud800"'];
const WRONG_CONTENT_TYPES = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/octet-stream', 'application/vnd.api+json', 'application/json; charset=latin1', 'application/json; charset=utf-16', ''];

interface Bad {
  readonly category: Category;
  readonly value: unknown;
}
const bad = (category: Category, arb: fc.Arbitrary<unknown>): fc.Arbitrary<Bad> => arb.map((value) => ({ category, value }));
const one = <T>(values: readonly T[]) => fc.constantFrom(...values);

function sameType(field: Field, v: unknown): boolean {
  if (v === null) return field.nullable === true;
  switch (field.kind) {
    case 'money':
      return typeof v === 'string' || typeof v === 'number';
    case 'int':
    case 'number':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
    case 'assetsByUnit':
      return typeof v === 'object' && !Array.isArray(v);
    default:
      return typeof v === 'string';
  }
}

const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  one(INJECTION),
  one<unknown>([null, true, false, 0, 1, -1, '', 'true', '1', [], {}, { $gt: '' }, { $ne: null }, [null], POLLUTION]),
);

/** Values this field must refuse: a wrong type, or the right type with a forbidden value. */
function invalidValue(field: Field): fc.Arbitrary<Bad> {
  const options: fc.WeightedArbitrary<Bad>[] = [
    { arbitrary: bad('wrong type', anyJson.filter((v) => !sameType(field, v))), weight: 3 },
    { arbitrary: bad('deep nesting', deep), weight: 1 },
  ];
  const add = (...arbitraries: fc.Arbitrary<Bad>[]) => options.push(...arbitraries.map((arbitrary) => ({ arbitrary, weight: 2 })));
  switch (field.kind) {
    case 'id':
      add(bad('bad format', one(BAD_IDS)), bad('injection', one(INJECTION)), bad('huge string', huge));
      break;
    case 'string':
      // Any content is fine here (injection strings included): only length and well-formedness matter.
      add(bad('huge string', huge), bad('out of range', fc.constant('x'.repeat(field.max + 1))), bad('malformed text', one(MALFORMED_TEXT)));
      if (field.min > 0) add(bad('out of range', fc.constant('')));
      if (field.min > 0 && field.trim) add(bad('out of range', fc.constant(' \t\n ')));
      break;
    case 'pattern':
      add(bad('bad format', one(field.invalid)), bad('injection', one(INJECTION)), bad('huge string', huge));
      break;
    case 'enum': {
      const near = [...field.values.flatMap((v) => [v.toUpperCase(), v.toLowerCase(), ` ${v}`, `${v} `, `${v}\u0000`]), '', 'R6', 'none', 'null', 'undefined'];
      add(bad('bad format', one(near.filter((v) => !field.values.includes(v)))), bad('injection', one(INJECTION)), bad('huge string', huge));
      break;
    }
    case 'money':
      add(bad('bad amount', one(BAD_AMOUNTS)), bad('injection', one(INJECTION)), bad('huge string', huge));
      if (!field.signed) add(bad('negative amount', one(NEGATIVE_AMOUNTS)));
      break;
    case 'int':
      add(bad('out of range', one([field.min - 1, field.max + 1, field.min + 0.5, 1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, raw('1e309'), raw('-1e309'), raw('NaN')])));
      break;
    case 'number':
      add(bad('out of range', one([field.min - 0.001, field.max + 0.001, 1e300, -1e300, raw('1e309'), raw('-1e309'), raw('NaN'), raw('Infinity')])));
      break;
    case 'month':
      add(bad('bad format', one(BAD_MONTHS)), bad('injection', one(INJECTION)), bad('huge string', huge));
      break;
    case 'time':
      add(bad('bad format', one(BAD_TIMES)), bad('injection', one(INJECTION)), bad('huge string', huge));
      if (field.past) add(bad('out of range', one(FUTURE_TIMES)));
      break;
    case 'array':
      add(bad('out of range', fc.constant(Array.from({ length: field.max + 1 }, () => field.sample))));
      add(invalidValue(field.of).map((b) => ({ category: b.category, value: [field.sample, b.value] })));
      if (field.min > 0) add(bad('out of range', fc.constant([])));
      break;
    case 'assetsByUnit': {
      const entry = (key: string, value: unknown) => define({}, key, value);
      add(
        bad('out of range', one([{}, Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`SB${i}`, '100']))])),
        bad('bad format', one(['', ' ', '-x', '../x', 'a b', ...INJECTION]).map((k) => entry(k, '100'))),
        // Ids, but of no org unit: the customer cannot be placed.
        bad('prototype key', one(PROTOTYPE_KEYS).map((k) => entry(k, '100'))),
        bad('huge string', huge.map((k) => entry(k, '100'))),
        invalidValue({ kind: 'money', signed: false }).map((b) => ({ category: b.category, value: entry('SB1', b.value) })),
      );
      break;
    }
    case 'bool':
    case 'object':
      break; // wrong types only; an object's own fields are broken one by one
  }
  return fc.oneof(...options);
}

/** Every field, nested ones included, with its path. */
function fieldPaths(fields: Fields, prefix: readonly string[] = []): { path: string[]; field: Field }[] {
  return Object.entries(fields).flatMap(([key, field]) => {
    const path = [...prefix, key];
    return [{ path, field }, ...(field.kind === 'object' ? fieldPaths(field.fields, path) : [])];
  });
}

/** Sets a key as an own property, even `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function withValue(body: Readonly<Record<string, unknown>>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : (define(at, key, {})[key] as Record<string, unknown>);
  }
  define(at, path[path.length - 1]!, value);
  return copy;
}

function valueAt(body: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined), body);
}

/** JSON text of a value that may hold `Raw` fragments and own `__proto__` keys. */
function toJsonText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).map((k) => `${JSON.stringify(k)}:${toJsonText(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short, printable description of a value. */
export function preview(value: unknown): string {
  if (value instanceof Raw) return value.name;
  const text = toJsonText(value);
  return text.length <= 80 ? text : `${text.slice(0, 60)}… (${text.length} chars)`;
}

const json = (category: Category, label: string, body: unknown, contentType = 'application/json') => ({ category, label, text: toJsonText(body), contentType });

function hostileFor(shape: BodyShape): fc.Arbitrary<Omit<HostileCase, 'idempotencyKey'>> {
  const { valid, fields } = shape;
  const all = fieldPaths(fields);
  const required = all.filter(({ path, field }) => !field.optional && valueAt(valid, path) !== undefined);
  const objects = [{ path: [] as string[], fields }, ...all.flatMap(({ path, field }) => (field.kind === 'object' ? [{ path, fields: field.fields }] : []))];
  const validText = toJsonText(valid);
  const options: fc.WeightedArbitrary<Omit<HostileCase, 'idempotencyKey'>>[] = [];

  if (all.length > 0) {
    const broken = one(all).chain(({ path, field }) => invalidValue(field).map((b) => json(b.category, `${path.join('.')} ← ${preview(b.value)}`, withValue(valid, path, b.value))));
    options.push({ arbitrary: broken, weight: 50 });
  }
  if (required.length > 0) {
    const missing = one(required).map(({ path }) => {
      const body = structuredClone(valid) as Record<string, unknown>;
      delete (valueAt(body, path.slice(0, -1)) as Record<string, unknown>)[path[path.length - 1]!];
      return json('missing field', `without ${path.join('.')}`, body);
    });
    options.push({ arbitrary: missing, weight: 4 });
  }
  const unknownKey = (known: Fields) => fc.oneof(one([...PROTOTYPE_KEYS, ...SMUGGLED_KEYS, ...INJECTION]), fc.string({ minLength: 1, maxLength: 30 })).filter((k) => !Object.hasOwn(known, k));
  const unknown = one(objects).chain(({ path, fields: known }) =>
    fc.tuple(unknownKey(known), fc.oneof({ arbitrary: anyJson, weight: 4 }, { arbitrary: deep, weight: 1 })).map(([key, value]) => {
      const where = [...path, key];
      return json(PROTOTYPE_KEYS.includes(key) ? 'prototype key' : value instanceof Raw ? 'deep nesting' : 'unknown field', `extra ${where.join('.')} ← ${preview(value)}`, withValue(valid, where, value));
    }),
  );
  options.push({ arbitrary: unknown, weight: 12 });
  options.push({ arbitrary: deep.map((d) => ({ category: 'deep nesting' as const, label: `body ← ${d.name}`, text: d.text, contentType: 'application/json' })), weight: 3 });
  const notObject = fc.oneof(fc.constant(null), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 20 }), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), fc.constant([valid]));
  options.push({ arbitrary: notObject.map((v) => json('not an object', `body ← ${preview(v)}`, v)), weight: 6 });
  const invalidJson = fc.oneof(
    fc.integer({ min: 1, max: validText.length - 1 }).map((n) => validText.slice(0, n)),
    one(INVALID_JSON),
    fc.constant(`${validText.slice(0, -1)},}`),
    fc.constant(`${validText} trailing`),
    fc.constant(validText.includes('"') ? validText.replaceAll('"', "'") : `{'x':1}`),
  );
  options.push({ arbitrary: invalidJson.map((text) => ({ category: 'invalid JSON' as const, label: `body text ${preview(text)}`, text, contentType: 'application/json' })), weight: 8 });
  // The text is refused whatever the content type is taken to be: JSON with an unknown field, or not JSON.
  const notJsonBody = one([toJsonText(withValue(valid, ['x-fuzz'], '<script>alert(1)</script>')), 'a=1&__proto__[isAdmin]=true', "'; DROP TABLE es_events; --", '<a>1</a>']);
  const wrongType = fc.tuple(one(WRONG_CONTENT_TYPES), notJsonBody).map(([contentType, text]) => ({ category: 'wrong content type' as const, label: `content-type "${contentType}", body ${preview(text)}`, text, contentType }));
  options.push({ arbitrary: wrongType, weight: 8 });
  options.push({ arbitrary: fc.constant({ category: 'too large' as const, label: 'a body over the 1 MB limit', text: `{"x":"${'a'.repeat(1_100_000)}"}`, contentType: 'application/json' }), weight: 1 });
  return fc.oneof(...options);
}

/** Hostile bodies for a command whose body is one of `shapes` (a discriminated union has several). */
export function hostileBodies(shapes: readonly BodyShape[]): fc.Arbitrary<HostileCase> {
  return fc.tuple(one(shapes).chain(hostileFor), fc.integer({ min: 0, max: 9 })).map(([c, n]) => ({ ...c, idempotencyKey: n < 3 }));
}
