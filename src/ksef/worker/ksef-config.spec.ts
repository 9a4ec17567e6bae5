// KSEF_* settings are checked at start: a key that is not 32 bytes stops the service, naming the variable.
import { ConfigError, loadConfig } from '../../config/config.js';

test('KSEF_SECRET_KEY: 32 bytes as base64 or hex, or absent', () => {
  expect(loadConfig({}).ksef.secretKey).toBeNull();
  expect(loadConfig({ KSEF_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).ksef.secretKey).toEqual(Buffer.alloc(32, 7));
  expect(loadConfig({ KSEF_SECRET_KEY: 'ab'.repeat(32) }).ksef.secretKey).toEqual(Buffer.alloc(32, 0xab));
  for (const bad of ['short', Buffer.alloc(16).toString('base64'), 'zz'.repeat(32)]) {
    expect(() => loadConfig({ KSEF_SECRET_KEY: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ KSEF_SECRET_KEY: bad })).toThrow(/KSEF_SECRET_KEY/);
  }
});

test('the worker, its poll, the request deadline and an address override', () => {
  expect(loadConfig({}).ksef).toMatchObject({ worker: true, pollMs: 30_000, timeoutMs: 30_000, apiUrlOverride: undefined });
  expect(loadConfig({ KSEF_WORKER: 'off', KSEF_API_URL: 'http://127.0.0.1:9999/v2/' }).ksef).toMatchObject({ worker: false, apiUrlOverride: 'http://127.0.0.1:9999/v2' });
  expect(() => loadConfig({ KSEF_API_URL: 'ftp://x' })).toThrow(/KSEF_API_URL/);
  expect(() => loadConfig({ KSEF_WORKER: 'maybe' })).toThrow(/KSEF_WORKER/);
});
