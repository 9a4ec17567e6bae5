// npm run migrate: apply the numbered SQL files to DATABASE_URL or the embedded database.
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { openDatabase } from '../database/database.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const database = await openDatabase(config, logger);
await database.close();
console.log('migrations are up to date');
