import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type AppOptions } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../../src/adapter.js';
import type { Assistant } from '../../src/assistant.js';
import { boltLoggerFrom } from './boltLogger.js';
import type { SlackConfig } from './config.js';
import { RecentKeys } from './deps.js';
import { registerListeners } from './listeners/index.js';

export { readSlackConfig, type SlackConfig } from './config.js';

export interface SlackAdapter extends ChatAdapter {
  readonly app: App;
  /** In HTTP mode once started: where Slack's requests are received. */
  address(): AddressInfo | undefined;
}

/**
 * The Slack adapter: a Bolt app in Socket Mode or HTTP mode with the mention, DM and `/apo`
 * listeners. HTTP mode also answers `GET /healthz` (200 while knowledge is loaded).
 */
export function createSlackAdapter(deps: { assistant: Assistant; config: SlackConfig; logger: Logger }): SlackAdapter {
  const { assistant, config } = deps;
  const logger = deps.logger.child({ module: 'slack' });
  const clientOptions = config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl };
  const common: AppOptions = { token: config.botToken, logger: boltLoggerFrom(logger), clientOptions };
  const options: AppOptions =
    config.mode === 'socket'
      ? { ...common, socketMode: true, appToken: config.appToken, installerOptions: { clientOptions } }
      : {
          ...common,
          signingSecret: config.signingSecret,
          customRoutes: [
            {
              path: '/healthz',
              method: ['GET'],
              handler: (_request, response) => {
                const stats = assistant.stats();
                const ready = stats.articles > 0;
                response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
                response.end(JSON.stringify({ status: ready ? 'ok' : 'no knowledge loaded', articles: stats.articles, passages: stats.passages }));
              },
            },
          ],
        };
  const app = new App(options);
  registerListeners(app, { assistant, config, logger, seen: new RecentKeys() });
  app.error(async (error) => {
    logger.error({ err: error }, 'slack app error');
  });

  let server: Server | undefined;
  return {
    name: 'slack',
    app,
    address: () => (server?.address() as AddressInfo | null) ?? undefined,
    async start() {
      if (config.mode === 'socket') {
        await app.start();
        logger.info({ mode: 'socket' }, 'slack adapter connected');
      } else {
        server = (await app.start({ port: config.port, host: config.host })) as Server;
        logger.info({ mode: 'http', address: server.address() }, 'slack adapter listening');
      }
    },
    async stop() {
      await app.stop();
      logger.info('slack adapter stopped');
    },
  };
}
