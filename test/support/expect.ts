// What strict typing asks of the tests: jest's asymmetric matchers are typed `any`, so they
// are held here as unknown and go into an expected object without spreading `any`; and a
// value the test needs present (an indexed row, a found item) fails the test by name when
// it is not, instead of a non-null assertion.
export const anyString: unknown = expect.any(String);
export const anyNumber: unknown = expect.any(Number);
export const matching = (pattern: RegExp | string): unknown => expect.stringMatching(pattern);
export const containing = (shape: object): unknown => expect.objectContaining(shape);

/** The value; throws (failing the test) when it is undefined or null. */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found ${String(value)}`);
  return value;
}
