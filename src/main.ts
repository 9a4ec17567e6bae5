// npm start: configuration, database (embedded by default), migrations, projections, HTTP.
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './common/logger.js';
import { createService } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const service = await createService(config, logger);
  await service.app.listen(config.port, config.host);
  logger.info({ url: `http://${config.host}:${String(config.port)}`, docs: `http://${config.host}:${String(config.port)}/docs` }, 'Klaster Ledger is listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await service.close();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Klaster Ledger failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
