// The whole service on a fresh database of its own, for e2e tests through HTTP.
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export interface TestService {
  service: RunningService;
  db: TestDatabase;
  http: TestAgent;
  /** Authorization header for a token. */
  as(token: string): { Authorization: string };
  admin: { Authorization: string };
  stop(): Promise<void>;
}

export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, ADMIN_TOKEN, LOG_LEVEL: 'silent', PROJECTION_POLL_MS: '50', ...env });
  const service = await createService(config, createLogger('silent'));
  const http = request(service.app.getHttpServer());
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  return {
    service,
    db,
    http,
    as,
    admin: as(ADMIN_TOKEN),
    async stop() {
      await service.close();
      await db.drop();
    },
  };
}
