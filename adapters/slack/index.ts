import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, webApi, type AppOptions } from '@slack/bolt';
import type { Logger } from 'pino';
import { connectWithRetry, type ChatAdapter } from '../../src/adapter.js';
import type { Assistant } from '../../src/assistant.js';
import { MemoryEventClaims, type EventClaims } from '../../src/store/types.js';
import { boltLoggerFrom } from './boltLogger.js';
import type { SlackConfig } from './config.js';
import { classifySlackError } from './connection.js';
import { registerListeners } from './listeners/index.js';
import { SlackHttpReceiver } from './receiver.js';
import type { SlackRequestLimits } from './requestChecks.js';

export { readSlackConfig, type SlackConfig } from './config.js';
export type { SlackRequestLimits } from './requestChecks.js';

export interface SlackAdapter extends ChatAdapter {
  readonly app: App;
  /** In HTTP mode once started: where Slack's requests are received. */
  address(): AddressInfo | undefined;
}

/**
 * The Slack adapter: a Bolt app in Socket Mode or HTTP mode with the mention, DM and `/apo`
 * listeners. HTTP mode also answers `GET /healthz` (200 while knowledge is loaded).
 */
export function createSlackAdapter(deps: {
  assistant: Assistant;
  config: SlackConfig;
  logger: Logger;
  /** HTTP mode's limits on request bodies; the defaults suit Slack. */
  limits?: Partial<SlackRequestLimits>;
  /**
   * Which replica handles a request or a message: shared by the replicas (the database), or this
   * process's memory (the default, one process).
   */
  claims?: EventClaims;
}): SlackAdapter {
  const { assistant, config } = deps;
  const claims = deps.claims ?? new MemoryEventClaims();
  const logger = deps.logger.child({ module: 'slack' });
  const clientOptions = config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl };
  // Deferred: Bolt would otherwise call auth.test from its constructor, with nobody to catch a
  // rejected token or to bound the retries of an unreachable Slack. start() verifies first.
  const common: AppOptions = { token: config.botToken, logger: boltLoggerFrom(logger), clientOptions, deferInitialization: true };
  const options: AppOptions =
    config.mode === 'socket'
      ? { ...common, socketMode: true, appToken: config.appToken, installerOptions: { clientOptions } }
      : {
          ...common,
          // Our receiver instead of Bolt's HTTPReceiver: it refuses before reading a body, bounds
          // how much it reads, and drops replays (see receiver.ts).
          receiver: new SlackHttpReceiver({
            signingSecret: config.signingSecret ?? '',
            logger,
            ...(deps.limits ? { limits: deps.limits } : {}),
            // Only with replicas: a request sent to two of them runs once (one process needs no more than its replay check).
            ...(deps.claims ? { claims: deps.claims } : {}),
            healthz: (_request, response) => {
              const stats = assistant.stats();
              const ready = stats.articles > 0;
              response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
              response.end(JSON.stringify({ status: ready ? 'ok' : 'no knowledge loaded', articles: stats.articles, passages: stats.passages }));
            },
          }),
        };
  const app = new App(options);
  registerListeners(app, { assistant, config, logger, claims });
  app.error(async (error) => {
    logger.error({ err: error }, 'slack app error');
  });

  let server: Server | undefined;
  let status = 'connecting';
  let started = false;
  const stopping = new AbortController();
  // One try per call and a bounded wait, so connectWithRetry decides the retries and says why.
  const verifier = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    logger: boltLoggerFrom(logger.child({}, { level: 'error' })),
  });
  return {
    name: 'slack',
    app,
    address: () => (server?.address() as AddressInfo | null) ?? undefined,
    status: () => status,
    async start() {
      let setting = 'SLACK_BOT_TOKEN';
      try {
        await connectWithRetry({
          adapter: 'slack',
          logger,
          signal: stopping.signal,
          onWaiting: (reason) => (status = `connecting: ${reason}`),
          classify: (error) => classifySlackError(error, setting, config.apiUrl),
          attempt: async () => {
            setting = 'SLACK_BOT_TOKEN';
            await verifier.auth.test();
            await app.init();
            if (config.mode === 'socket') {
              setting = 'SLACK_APP_TOKEN';
              // Checked here too, so a refused app token is one line of ours, not Bolt's retries.
              await verifier.apps.connections.open({ token: config.appToken });
              await app.start();
              started = true;
            }
          },
        });
        if (config.mode === 'socket') {
          logger.info({ mode: 'socket' }, 'slack adapter connected');
        } else {
          server = (await app.start({ port: config.port, host: config.host })) as Server;
          started = true;
          logger.info({ mode: 'http', address: server.address() }, 'slack adapter listening');
        }
        status = 'ready';
      } catch (error) {
        status = stopping.signal.aborted ? 'stopped' : `failed: ${(error as Error).message}`;
        throw error;
      }
    },
    async stop() {
      stopping.abort();
      // HTTP mode's receiver refuses to stop a server it never started.
      if (started || config.mode === 'socket') await app.stop();
      status = 'stopped';
      logger.info('slack adapter stopped');
    },
  };
}
