import { ConfigError, loadConfig } from './config.js';

describe('TRUST_PROXY', () => {
  test('off by default; a number of hops; proxy addresses and subnets', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8,192.0.2.1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.1']);
  });

  test('true (any client picks its address), nonsense and bad subnets stop the start naming the variable', () => {
    for (const value of ['true', 'yes', '10.0.0.0/33', '10.0.0/8', '11', 'loopback,', 'a/b/c']) {
      if (value === 'loopback,') {
        expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(['loopback']);
        continue;
      }
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    }
  });
});
