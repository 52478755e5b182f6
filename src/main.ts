import { runTerminalChat } from '../adapters/terminal/chat.js';
import type { ChatAdapter } from './adapter.js';
import { Assistant } from './assistant.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createEngine } from './core/index.js';
import { startHealthServer, type HealthServer } from './health.js';
import { QuestionLog } from './insight/questionLog.js';
import { createLogger } from './logger.js';
import { RateLimiter } from './rateLimit.js';
import { watchFolder } from './watch.js';

/**
 * Starts the bot: reads the configuration, loads the knowledge, and runs the chat adapters the
 * configuration enables, with the health endpoint and (optionally) knowledge watching, until
 * SIGINT or SIGTERM. With no chat platform configured it opens the terminal chat, so a fresh
 * clone answers questions right away. This is the one module that knows every adapter; each is
 * imported only when configured, as their libraries are slow to load.
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

  const assistant = new Assistant({
    engine,
    logger,
    ...(config.questionLog
      ? { log: new QuestionLog({ dir: config.dataDir, keepText: config.questionLogText, maxBytes: config.questionLogMaxBytes, keepFiles: 5 }) }
      : {}),
    limiter: new RateLimiter(config.rateLimitPerMinute),
  });
  const adapters: ChatAdapter[] = [];
  if (slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.js');
    adapters.push(createSlackAdapter({ assistant, config: slack, logger }));
  }
  if (discord) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.js');
    adapters.push(createDiscordAdapter({ assistant, config: discord, logger }));
  }

  let started = false;
  const health: HealthServer = await startHealthServer(
    {
      live: () => ({ ok: engine.stats().articles > 0, detail: knowledgeDetail(engine.stats()) }),
      ready: () => ({
        ok: started && !assistant.closing && engine.stats().articles > 0,
        detail: { ...knowledgeDetail(engine.stats()), adapters: adapters.map((a) => a.name), shuttingDown: assistant.closing },
      }),
    },
    config.healthPort,
    config.healthHost,
  );
  logger.info({ port: health.port }, 'health endpoint listening');

  const watcher = config.knowledgeWatch
    ? watchFolder(config.knowledgeDir, () => {
        void engine.reload().then(
          (report) => logger.info({ applied: report.applied, added: report.added, changed: report.changed, removed: report.removed, errors: report.errors }, 'knowledge changed on disk: reloaded'),
          (error: unknown) => logger.error({ err: error }, 'reload after a knowledge change failed'),
        );
      })
    : undefined;

  for (const adapter of adapters) await adapter.start();
  started = true;
  logger.info({ adapters: adapters.map((a) => a.name) }, 'apo-bot running');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // Stop taking questions, let those in flight finish (bounded), then close every connection.
  logger.info({ signal }, 'shutting down');
  const unfinished = await assistant.close(config.shutdownTimeoutMs);
  if (unfinished > 0) logger.warn({ unfinished }, 'questions still running at the shutdown deadline');
  watcher?.close();
  await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
  await health.close();
  logger.info('stopped');
}

function knowledgeDetail(stats: { articles: number; passages: number; snapshotVersion: number; glossary: object }): Record<string, unknown> {
  // glossary.status "missing": answers run without the glossary (it did not load at start).
  return { articles: stats.articles, passages: stats.passages, snapshotVersion: stats.snapshotVersion, glossary: stats.glossary };
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
