import { runTerminalChat } from '../adapters/terminal/chat.js';
import { loadConfig } from './config.js';
import { createEngine } from './core/index.js';
import { createLogger } from './logger.js';

/**
 * Starts the bot: reads the configuration, loads the knowledge, and runs the chat adapters the
 * configuration enables. With no chat platform configured it opens the terminal chat, so a fresh
 * clone answers questions right away.
 */
export async function startBot(): Promise<void> {
  const config = loadConfig();
  // The terminal chat shares the screen with the logs: keep them to warnings unless asked.
  const logger = createLogger({ level: config.logLevelSet ? config.logLevel : 'warn', pretty: config.logPretty });
  const engine = await createEngine({
    knowledgeDir: config.knowledgeDir,
    logger: logger.child({ module: 'engine' }),
    maxQuestionLength: config.maxQuestionLength,
  });
  logger.info({ knowledgeDir: config.knowledgeDir }, 'no Slack or Discord tokens configured: starting the terminal chat');
  await runTerminalChat({
    engine,
    input: process.stdin,
    output: process.stdout,
    color: Boolean(process.stdout.isTTY),
  });
}
