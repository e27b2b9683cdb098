import fc from 'fast-check';

// Hostile inputs for the fuzz tests, generated from JSON Schemas (the ones /openapi.json and the MCP
// tool list publish), so every operation and tool is covered without a hand-written case per route.

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
};

/** Strings no field wants: controls, bidi overrides, NULs, traversal, injection, odd unicode, long runs. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\u202eevil\u202c',
    '\u2066\u2067\u2068\u2069',
    '\u200b\u200d\ufeff',
    '\u001b[31mred\u001b[0m',
    '\r\nSet-Cookie: x=1',
    '../../etc/passwd',
    '..\\..\\windows\\system32',
    '%2e%2e%2f%2e%2e%2f',
    "' OR 1=1 --",
    '"; DROP TABLE call_outs; --',
    '<script>alert(1)</script>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, literally
    '${jndi:ldap://x}',
    '{{7*7}}',
    '\ud800',
    '\udfff\ud800',
    '🙂'.repeat(50),
    ' ',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** A JSON value that is not of `type` (so the field is wrong whatever else the request says). */
export function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum) return hostileString.filter((s) => !schema.enum!.includes(s));
  switch (type) {
    case 'string':
      return fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(hostileString, { maxLength: 3 }),
        fc.constant({ $ne: '' }),
      );
    case 'integer':
    case 'number':
      return fc.oneof(
        hostileString,
        fc.constant(1e308 * 10),
        fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n)),
        fc.constant([1]),
      );
    case 'boolean':
      return fc.oneof(hostileString, fc.integer(), fc.constant({}));
    case 'array':
      return fc.oneof(
        hostileString,
        fc.integer(),
        fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
      );
    case 'object':
      return fc.oneof(hostileString, fc.integer(), fc.array(fc.integer(), { maxLength: 3 }));
    default:
      return fc.oneof(fc.constant({ __proto__: { polluted: true } }), fc.constant([[[[]]]]), fc.integer());
  }
}

/** Nested `depth` deep: arrays or single-key objects. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export interface BodyCase {
  label: string;
  payload: string;
  contentType: string | undefined;
}

/**
 * A request body that is wrong by construction: one documented field of the wrong type (the others
 * hostile strings), a body of the wrong JSON type, text that is not JSON, deep nesting, a wrong content
 * type, or unknown fields only.
 */
export function malformedBody(schema: JsonSchema | undefined): fc.Arbitrary<BodyCase> {
  const properties = Object.entries(schema?.properties ?? {});
  const json = (label: string) => (value: unknown) => ({
    label,
    payload: JSON.stringify(value),
    contentType: 'application/json',
  });
  const options: fc.Arbitrary<BodyCase>[] = [
    fc
      .oneof(hostileString, fc.integer(), fc.array(hostileString, { maxLength: 3 }), fc.constant(null))
      .map(json('wrong top-level type')),
    fc
      .constantFrom('{"kind":', '{"a":1,}', "{'single':'quotes'}", '\u0000', 'NaN', '{"a":1}{"b":2}')
      .map((payload) => ({
        label: 'not JSON',
        payload,
        contentType: 'application/json',
      })),
    fc
      .constantFrom<['array' | 'object', number]>(['array', 3_000], ['object', 3_000], ['array', 50])
      .map(([kind, depth]) => ({
        label: `deep JSON (${kind} ${depth})`,
        payload: deepJson(depth, kind),
        contentType: 'application/json',
      })),
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-7',
        'image/png',
      )
      .map((contentType) => ({
        label: `content type ${contentType}`,
        payload: '{"title":"x"}',
        contentType,
      })),
  ];
  if (properties.length > 0) {
    options.push(
      fc
        .constantFrom(...properties)
        .chain(([name, property]) =>
          fc
            .record({
              wrong: wrongValue(property),
              others: fc.dictionary(fc.constantFrom(...properties.map(([n]) => n)), hostileString, {
                maxKeys: 4,
              }),
            })
            .map(({ wrong, others }) => ({ ...others, [name]: wrong })),
        )
        .map(json('a field of the wrong type')),
    );
  } else {
    options.push(
      fc
        .dictionary(
          hostileString.filter((k) => k.length > 0 && k.length < 100),
          hostileString,
          { minKeys: 1, maxKeys: 3 },
        )
        .map(json('unknown fields')),
    );
  }
  return fc.oneof(...options);
}

/** Characters that must never reach a person unescaped in an error message. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const UNSAFE_IN_MESSAGES = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
