import pg from 'pg';

// bigint columns (positions, sums of Wh) come back as strings by default; our values
// stay below 2^53, so read them as numbers and check that they are safe.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} exceeds the safe integer range`);
  return n;
});
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`numeric ${value} is not a safe integer`);
  return n;
});
