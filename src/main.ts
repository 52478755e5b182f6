import { runTerminalChat } from '../adapters/terminal/chat.js';
import { loadProgressPrinter } from '../adapters/terminal/progress.js';
import { ConnectError, StoppedError, type ChatAdapter } from './adapter.js';
import { Assistant } from './assistant.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createEngine, type KnowledgeEngine, type LoadProgress } from './core/index.js';
import { startHealthServer, type HealthChecks, type HealthServer } from './health.js';
import { QuestionLog } from './insight/questionLog.js';
import { createLogger, type Logger } from './logger.js';
import { RateLimiter } from './rateLimit.js';
import { watchFolder, type ChangeOutcome } from './watch.js';

/**
 * Starts the bot: reads the configuration, loads the knowledge, and runs the chat adapters the
 * configuration enables, with the health endpoint and (optionally) knowledge watching, until
 * SIGINT or SIGTERM. With no chat platform configured it opens the terminal chat, so a fresh
 * clone answers questions right away. This is the one module that knows every adapter; each is
 * imported only when configured, as their libraries are slow to load. Resolves with the exit
 * code: 0 after a signal, 2 when every adapter's credentials or settings were rejected.
 */
export async function startBot(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { config, slack, discord } = await readConfiguration(env);
  const terminalOnly = slack === undefined && discord === undefined;
  // The terminal chat shares the screen with the logs: keep them to warnings unless asked.
  const level = terminalOnly && !config.logLevelSet ? 'warn' : config.logLevel;
  const logger = createLogger({ level, pretty: config.logPretty });
  // A chat platform's health checks are answered from the start: live, and not ready until the
  // knowledge is indexed and the adapters are connected (a first start over 100,000 passages
  // indexes for tens of seconds). The checks are replaced once everything is up.
  let loading: LoadProgress | undefined;
  let checks: HealthChecks = {
    live: () => ({ ok: true, detail: { knowledge: 'loading', ...loading } }),
    ready: () => ({ ok: false, detail: { knowledge: 'loading', ...loading } }),
  };
  const health: HealthServer | undefined = terminalOnly
    ? undefined
    : await startHealthServer({ live: () => checks.live(), ready: () => checks.ready() }, config.healthPort, config.healthHost);
  if (health) logger.info({ port: health.port }, 'health endpoint listening');
  const showProgress = terminalOnly ? loadProgressPrinter((line) => process.stderr.write(`${line}\n`)) : undefined;
  const engine = await createEngine({
    knowledgeDir: config.knowledgeDir,
    // The terminal chat tells the engine's warnings itself (file problems at start, a refused
    // reload's report): logged as well, the same errors would print twice.
    logger: logger.child({ module: 'engine' }, terminalOnly && !config.logLevelSet ? { level: 'error' } : {}),
    maxQuestionLength: config.maxQuestionLength,
    cacheDir: config.indexCacheDir,
    onProgress: (progress) => {
      loading = progress;
      showProgress?.(progress);
    },
  });

  if (terminalOnly || health === undefined) {
    logger.info({ knowledgeDir: config.knowledgeDir }, 'no Slack or Discord tokens configured: starting the terminal chat');
    await runTerminalChat({ engine, input: process.stdin, output: process.stdout, color: Boolean(process.stdout.isTTY) });
    return 0;
  }

  // With DATABASE_URL the replicas share their state in PostgreSQL; without it, all stays in this process.
  const store = config.databaseUrl === undefined ? undefined : await openStore(config, config.databaseUrl, engine, logger);
  const assistant = new Assistant({
    engine,
    logger,
    ...(config.questionLog
      ? {
          log:
            store?.log ??
            new QuestionLog({ dir: config.dataDir, keepText: config.questionLogText, maxBytes: config.questionLogMaxBytes, keepFiles: 5, logger: logger.child({ module: 'question-log' }) }),
        }
      : {}),
    limiter: store?.limits ?? new RateLimiter(config.rateLimitPerMinute),
    ...(store ? { sync: store.knowledge } : {}),
    maxInFlight: config.maxInFlight,
  });
  const shared = store ? { claims: store.claims } : {};
  const adapters: ChatAdapter[] = [];
  if (slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.js');
    adapters.push(createSlackAdapter({ assistant, config: slack, logger, ...shared }));
  }
  if (discord) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.js');
    adapters.push(createDiscordAdapter({ assistant, config: discord, logger, ...shared, ...(store ? { lease: store.lease('discord-gateway') } : {}) }));
  }

  // From here a signal means a clean shutdown, also while adapters are still connecting.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // A library's background reconnect may reject with nobody listening: log it, never die of it.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection in the background; still running'));

  checks = {
    live: () => ({ ok: engine.stats().articles > 0, detail: knowledgeDetail(engine.stats()) }),
    ready: () => ({
      // Ready once every configured adapter has authenticated (or stands by for another replica's
      // Discord gateway), and the shared database, when there is one, answers.
      ok:
        adapters.every((a) => a.status() === 'ready' || a.status().startsWith('standby')) &&
        (store?.status().ok ?? true) &&
        !assistant.closing &&
        engine.stats().articles > 0,
      detail: {
        ...knowledgeDetail(engine.stats()),
        ...(store ? { database: store.status().detail, replica: store.replica, knowledgeVersion: assistant.knowledgeVersion } : {}),
        adapters: Object.fromEntries(adapters.map((a) => [a.name, a.status()])),
        shuttingDown: assistant.closing,
        inFlight: assistant.inFlight,
      },
    }),
  };

  const watcher = config.knowledgeWatch
    ? watchFolder(config.knowledgeDir, () =>
        assistant.reload({}, 'KNOWLEDGE_WATCH').then(
          (report): ChangeOutcome => {
            const { applied, added, changed, removed, errors, stillBeingWritten = [] } = report;
            logger.info({ applied, added, changed, removed, errors, stillBeingWritten, replicas: report.replicas }, 'knowledge changed on disk: reloaded');
            // A file still being written was skipped: try again once the folder is quiet.
            return stillBeingWritten.length > 0 ? 'retry' : 'done';
          },
          (error: unknown): ChangeOutcome => {
            logger.error({ err: error }, 'reload after a knowledge change failed');
            return 'done';
          },
        ),
      )
    : undefined;

  const outcome = await Promise.race([stopRequested.then((signal) => ({ signal })), runAdapters(adapters, logger).then((exitCode) => ({ exitCode }))]);
  if ('exitCode' in outcome) {
    // Every adapter failed for good: nothing is left to serve.
    watcher?.close();
    await assistant.close(0);
    await store?.close();
    await health.close();
    return outcome.exitCode;
  }

  // Stop taking questions, let those in flight finish, then close every connection, all within
  // SHUTDOWN_TIMEOUT_MS: the last second of it (at most half) is kept for closing connections.
  logger.info({ signal: outcome.signal }, 'shutting down');
  const deadline = Date.now() + config.shutdownTimeoutMs;
  // Whatever an adapter is still doing (a connect attempt, a retried request), the process ends by the deadline.
  setTimeout(() => {
    logger.warn({ shutdownTimeoutMs: config.shutdownTimeoutMs }, 'still busy at the shutdown deadline: exiting anyway');
    process.exit(0);
  }, config.shutdownTimeoutMs).unref();
  const unfinished = await assistant.close(config.shutdownTimeoutMs - Math.min(1_000, config.shutdownTimeoutMs / 2));
  if (unfinished > 0) logger.warn({ unfinished }, 'questions still running at the shutdown deadline');
  watcher?.close();
  await Promise.race([Promise.allSettled(adapters.map((adapter) => adapter.stop())), delay(deadline - Date.now())]);
  await Promise.race([store?.close(), delay(deadline - Date.now())]);
  await health.close();
  logger.info('stopped');
  return 0;
}

/**
 * Starts every adapter at once, so one still connecting (or never going to) doesn't hold up the
 * others. A final failure is one error line naming the setting to check; the others keep
 * running. Resolves with the exit code only when no adapter is left: 2 when every failure was a
 * rejected credential or setting, else 1. Logs "apo-bot running" once every adapter has settled.
 */
function runAdapters(adapters: readonly ChatAdapter[], logger: Logger): Promise<number> {
  const failed = new Set<ChatAdapter>();
  let exitCode = 2;
  const started = adapters.map(async (adapter) => {
    try {
      await adapter.start();
      return true;
    } catch (error) {
      if (error instanceof StoppedError) return false;
      failed.add(adapter);
      const others = adapters.filter((a) => !failed.has(a)).map((a) => a.name);
      const rest = others.length > 0 ? `; ${others.join(' and ')} keeps running` : '';
      if (error instanceof ConnectError) {
        const { setting, code } = error.failure;
        logger.error({ adapter: adapter.name, setting, code }, `${error.message}: the ${adapter.name} adapter is stopped${rest}`);
      } else {
        exitCode = 1;
        logger.error({ adapter: adapter.name, err: error }, `the ${adapter.name} adapter could not start${rest}`);
      }
      return false;
    }
  });
  return Promise.all(started).then((results) => {
    if (!results.some(Boolean)) return exitCode;
    logger.info({ adapters: adapters.filter((_, i) => results[i]).map((a) => a.name) }, 'apo-bot running');
    return new Promise<number>(() => {});
  });
}

/** The shared state in PostgreSQL, connecting in the background (it retries, and /readyz says why while it can't). */
async function openStore(config: Config, url: string, engine: KnowledgeEngine, logger: Logger) {
  const { PostgresStore } = await import('./store/postgres/store.js');
  const store = new PostgresStore({
    url,
    poolSize: config.databasePoolSize,
    replica: config.replicaName,
    logger,
    rateLimitPerMinute: config.rateLimitPerMinute,
    keepText: config.questionLogText,
    reloadWaitMs: config.reloadWaitMs,
    reloadLocal: () => engine.reload(),
    counts: () => engine.stats(),
  });
  await store.start();
  return store;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());

function knowledgeDetail(stats: { articles: number; passages: number; snapshotVersion: number; glossary: object; fingerprint: string }): Record<string, unknown> {
  // glossary.status "missing": answers run without the glossary (it did not load at start).
  // fingerprint: equal on every replica that loaded the same knowledge.
  return { articles: stats.articles, passages: stats.passages, snapshotVersion: stats.snapshotVersion, glossary: stats.glossary, fingerprint: stats.fingerprint };
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
