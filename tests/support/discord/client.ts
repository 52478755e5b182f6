/**
 * A real discord.js Client wired to the stand-in: REST goes to the stand-in's /api, and the
 * gateway URL comes from the stand-in's GET /gateway/bot, so nothing leaves 127.0.0.1.
 */

import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { ClientOptions } from 'discord.js';
import type { DiscordStandIn } from './standIn.js';

export interface TestClientOptions {
  /** Default: the stand-in fixture's token. */
  readonly token?: string;
  /** Default: Guilds, GuildMessages, DirectMessages (no privileged MessageContent). */
  readonly intents?: ClientOptions['intents'];
  /** Default: Channel, which discord.js needs to deliver DMs from uncached DM channels. */
  readonly partials?: ClientOptions['partials'];
  /** Anything else for the Client, merged over the defaults here. */
  readonly clientOptions?: Partial<ClientOptions>;
  /** Print discord.js debug lines (gateway and REST) to stderr. */
  readonly debug?: boolean;
  /** How long to wait for `clientReady`. */
  readonly readyTimeoutMs?: number;
}

export const DEFAULT_TEST_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
];

/** Builds the client without logging in, for tests of the login itself. */
export function buildTestClient(standIn: DiscordStandIn, options: TestClientOptions = {}): Client {
  const client = new Client({
    intents: options.intents ?? DEFAULT_TEST_INTENTS,
    partials: options.partials ?? [Partials.Channel],
    // The stand-in sends every guild right after READY; if one were missing, fail fast
    // rather than sit out discord.js's 15 s default.
    waitGuildTimeout: 1000,
    ...options.clientOptions,
    ws: {
      // discord.js spaces IDENTIFYs at least 5 s apart (Discord's per-bucket limit), which
      // would make every test that forces a fresh session wait that long. The stand-in has
      // no such limit, so identify at once.
      buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }),
      ...options.clientOptions?.ws,
    },
    rest: {
      // discord.js builds `${api}/v${version}${route}`, so this yields /api/v10/... on the stand-in.
      api: standIn.restApiBase,
      // A test should see a failure, not wait through retries and the 15 s default timeout.
      retries: 0,
      timeout: 5000,
      ...options.clientOptions?.rest,
    },
  });
  if (options.debug) {
    client.on(Events.Debug, (line) => process.stderr.write(`[discord.js] ${line}\n`));
    client.rest.on('restDebug', (line) => process.stderr.write(`[discord.js rest] ${line}\n`));
  }
  return client;
}

/**
 * Logs a client in against the stand-in and resolves once it emitted `clientReady`, i.e. after
 * READY and a GUILD_CREATE for every guild READY listed. `login()` alone resolves at READY.
 */
export async function createTestClient(standIn: DiscordStandIn, options: TestClientOptions = {}): Promise<Client<true>> {
  const client = buildTestClient(standIn, options);
  const timeoutMs = options.readyTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<Client<true>>((resolve, reject) => {
    client.once(Events.ClientReady, resolve);
    timer = setTimeout(() => reject(new Error(`discord.js did not emit clientReady within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await client.login(options.token ?? standIn.fixture.token);
    return await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
