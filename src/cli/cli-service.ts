// Shared by the command-line tools: the service built from the environment, not listening.
import { createService, type RunningService } from '../app.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';

export async function withService<T>(fn: (service: RunningService) => Promise<T>): Promise<T> {
  let config;
  try {
    config = loadConfig({ LOG_LEVEL: 'warn', KSEF_WORKER: 'off', ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const service = await createService(config, createLogger(config.logLevel));
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

export function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}
