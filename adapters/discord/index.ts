import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials, type ClientOptions } from 'discord.js';
import type { Logger } from 'pino';
import { connectWithRetry, type ChatAdapter } from '../../src/adapter.js';
import type { Assistant } from '../../src/assistant.js';
import { MemoryEventClaims, type EventClaims, type Lease } from '../../src/store/types.js';
import type { DiscordConfig } from './config.js';
import { classifyDiscordError } from './connection.js';
import { AnswerThreads } from './conversations.js';
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
 * Content), answering `/ask`, `/help`, `/reload`, mentions and DMs, and replies to its answers in
 * the context of the question they answered. Starting it registers the
 * slash commands and logs in. `clientOptions` lets tests tune the client (never needed in use).
 */
export function createDiscordAdapter(deps: {
  assistant: Assistant;
  config: DiscordConfig;
  logger: Logger;
  clientOptions?: Partial<ClientOptions>;
  /** Shared by the replicas: which of them handles a message or an interaction. Default: this process's memory. */
  claims?: EventClaims;
  /**
   * With replicas: only the holder of this lease connects to the gateway (two connections with one
   * token would both answer every mention). The others wait in standby and take over when it dies.
   */
  lease?: Lease;
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
  const handlerDeps = { assistant, config, logger, threads: new AnswerThreads(), claims: deps.claims ?? new MemoryEventClaims() };
  registerInteractions(client, handlerDeps);
  client.once(Events.ClientReady, (ready) => {
    registerMessages(ready, handlerDeps);
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'discord adapter ready');
  });
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord gateway resumed'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));

  let status = 'connecting';
  const stopping = new AbortController();
  const lease = deps.lease;

  /** Registers the commands and logs in, trying again while Discord can't be reached. */
  const connect = async (): Promise<void> => {
    await connectWithRetry({
      adapter: 'discord',
      logger,
      signal: stopping.signal,
      onWaiting: (reason) => (status = `connecting: ${reason}`),
      classify: (error) => classifyDiscordError(error, config),
      attempt: async (signal) => {
        client.rest.setToken(config.token);
        const registration = await registerCommands(config, client.rest);
        logger.info(registration, 'discord commands registered');
        // Stop listening for READY when this try fails, or listeners pile up over the retries.
        const tryOver = new AbortController();
        const onStop = (): void => tryOver.abort();
        signal.addEventListener('abort', onStop, { once: true });
        try {
          const ready = once(client, Events.ClientReady, { signal: tryOver.signal });
          ready.catch(() => {});
          await client.login(config.token);
          await ready;
        } finally {
          tryOver.abort();
          signal.removeEventListener('abort', onStop);
        }
      },
    });
    status = 'ready';
  };

  /**
   * With a lease: holds the gateway while it holds the lease, and waits in standby otherwise.
   * Losing the lease (its database connection broke) disconnects at once, since another replica
   * may take it over; then this one waits for the lease again.
   */
  const serveWithLease = async (held: Lease): Promise<void> => {
    for (;;) {
      // Not ready until it holds the gateway or knows another replica does: a /readyz of 200 on
      // every replica would otherwise say nothing about whether any of them serves Discord.
      status = 'connecting: taking the Discord gateway lease';
      await held.acquire(stopping.signal, () => (status = 'standby: another replica holds the Discord gateway'));
      logger.info('holding the Discord gateway lease: connecting');
      await connect();
      await Promise.race([held.lost(), new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }))]);
      if (stopping.signal.aborted) return;
      logger.warn('lost the Discord gateway lease: disconnecting, another replica may take over');
      await client.destroy();
    }
  };

  return {
    name: 'discord',
    client,
    status: () => status,
    async start() {
      try {
        if (!lease) {
          await connect();
          return;
        }
        // Standby is serving too: the adapter starts, and takes the gateway over when it can.
        const serving = serveWithLease(lease);
        serving.catch(async (error: unknown) => {
          if (stopping.signal.aborted) return;
          status = `failed: ${(error as Error).message}`;
          logger.error({ err: error }, 'the Discord gateway could not be served: letting another replica take it');
          await lease.release();
          await client.destroy();
        });
        await Promise.race([serving, waitFor(() => status === 'ready' || status.startsWith('standby'), stopping.signal)]);
      } catch (error) {
        status = stopping.signal.aborted ? 'stopped' : `failed: ${(error as Error).message}`;
        // It will not connect: let go of the client's sockets and timers.
        if (!stopping.signal.aborted) await client.destroy();
        throw error;
      }
    },
    async stop() {
      stopping.abort();
      await client.destroy();
      await lease?.release();
      status = 'stopped';
      logger.info('discord adapter stopped');
    },
  };
}

/** Resolves once `done()` holds (checked every 50 ms), or when the signal aborts. */
function waitFor(done: () => boolean, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (done() || signal.aborted) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
}
