import { isDatabaseUnavailable } from './unavailable.js';

test('a database that is gone, restarting or full is "unavailable" (503); a bad statement is not', () => {
  const unavailable = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'connect failed'),
    Object.assign(new Error('terminating connection due to unexpected postmaster exit'), { code: '57P01' }),
    Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
  ];
  for (const error of unavailable) expect(isDatabaseUnavailable(error)).toBe(true);
  const bugs = [
    Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' }),
    Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }),
    new TypeError("Cannot read properties of undefined (reading 'x')"),
    undefined,
    'a string',
  ];
  for (const error of bugs) expect(isDatabaseUnavailable(error)).toBe(false);
});
