import { runTerminalChat } from '../adapters/terminal/chat.js';
import type { ChatAdapter } from './adapter.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createEngine } from './core/index.js';
import { createLogger } from './logger.js';

/**
 * Starts the bot: reads the configuration, loads the knowledge, and runs the chat adapters the
 * configuration enables until SIGINT or SIGTERM. With no chat platform configured it opens the
 * terminal chat, so a fresh clone answers questions right away. This is the one module that knows
 * every adapter; each is imported only when configured, as their libraries are slow to load.
 */
export async function startBot(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { config, slack, discord } = await readConfiguration(env);
  const terminalOnly = slack === undefined && discord === undefined;
  // The terminal chat shares the screen with the logs: keep them to warnings unless asked.
  const level = terminalOnly && !config.logLevelSet ? 'warn' : config.logLevel;
  const logger = createLogger({ level, pretty: config.logPretty });
  const engine = await createEngine({
    knowledgeDir: config.knowledgeDir,
    logger: logger.child({ module: 'engine' }),
    maxQuestionLength: config.maxQuestionLength,
  });

  if (terminalOnly) {
    logger.info({ knowledgeDir: config.knowledgeDir }, 'no Slack or Discord tokens configured: starting the terminal chat');
    await runTerminalChat({ engine, input: process.stdin, output: process.stdout, color: Boolean(process.stdout.isTTY) });
    return;
  }

  const adapters: ChatAdapter[] = [];
  if (slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.js');
    adapters.push(createSlackAdapter({ engine, config: slack, logger }));
  }
  if (discord) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.js');
    adapters.push(createDiscordAdapter({ engine, config: discord, logger }));
  }

  for (const adapter of adapters) await adapter.start();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info({ signal }, 'shutting down');
  await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
}

/** Every setting, with the problems of all of them reported together. */
async function readConfiguration(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const { readSlackConfig } = await import('../adapters/slack/config.js');
  const { readDiscordConfig } = await import('../adapters/discord/config.js');
  const slack = readSlackConfig(env);
  const discord = readDiscordConfig(env);
  problems.push(...slack.problems, ...discord.problems);
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return { config, slack: slack.config, discord: discord.config };
}
