import { Client, Events, GatewayIntentBits, Partials, type ClientOptions } from 'discord.js';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../../src/adapter.js';
import type { Assistant } from '../../src/assistant.js';
import type { DiscordConfig } from './config.js';
import { registerInteractions } from './listeners/interactions.js';
import { registerMessages } from './listeners/messages.js';
import { registerCommands } from './register.js';
import { NO_MENTIONS } from './render.js';

export { readDiscordConfig, type DiscordConfig } from './config.js';
export { inviteUrl, registerCommands } from './register.js';

export interface DiscordAdapter extends ChatAdapter {
  readonly client: Client;
}

/**
 * The Discord adapter: a discord.js client with the minimal intents (no privileged Message
 * Content), answering `/ask`, `/help`, `/reload`, mentions and DMs. Starting it registers the
 * slash commands and logs in. `clientOptions` lets tests tune the client (never needed in use).
 */
export function createDiscordAdapter(deps: {
  assistant: Assistant;
  config: DiscordConfig;
  logger: Logger;
  clientOptions?: Partial<ClientOptions>;
}): DiscordAdapter {
  const { assistant, config } = deps;
  const logger = deps.logger.child({ module: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    // DM channels are not cached until a message arrives in one; Channel partials let it through.
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    ...deps.clientOptions,
    rest: { ...(config.apiUrl === undefined ? {} : { api: config.apiUrl }), ...deps.clientOptions?.rest },
  });
  const handlerDeps = { assistant, config, logger };
  registerInteractions(client, handlerDeps);
  client.once(Events.ClientReady, (ready) => {
    registerMessages(ready, handlerDeps);
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'discord adapter ready');
  });
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord gateway resumed'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));

  return {
    name: 'discord',
    client,
    async start() {
      client.rest.setToken(config.token);
      const registration = await registerCommands(config, client.rest);
      logger.info(registration, 'discord commands registered');
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.token);
      await ready;
    },
    async stop() {
      await client.destroy();
      logger.info('discord adapter stopped');
    },
  };
}
