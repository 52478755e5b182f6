/**
 * The REST half of the stand-in: Discord's HTTP API under /api/v10, limited to what a
 * question-answering bot and discord.js's own login use. Every request is recorded, served
 * or not, so a test can assert on what the bot sent and spot calls nobody expected.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { ApplicationCommandType, ApplicationIntegrationType, InteractionResponseType, InteractionType } from 'discord.js';
import type { APIApplicationCommand, APIMessage, APIUser } from 'discord.js';
import { BodyParseError, parseBody, readRaw } from './httpBody.js';
import type { RecordedFile } from './httpBody.js';
import { compileRoutePattern } from './routePattern.js';
import type { RouteParams, RoutePattern } from './routePattern.js';
import { nextSnowflake } from './snowflake.js';
import {
  asMessageInput,
  DiscordApiError,
  unknownInteraction,
  unknownMessage,
  validateMessageInput,
} from './state.js';
import type { DiscordState, InteractionRecord, MessageInput } from './state.js';
import { WaitableLog } from '../waitableLog.js';

/** The prefix discord.js puts before every route: its `api` option plus `/v10`. */
export const API_PREFIX = '/api/v10';

export interface RecordedRequest {
  readonly method: string;
  /** The route part, after /api/v10: `/channels/123/messages`. Requests outside /api/v10 keep their full path. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, or for multipart bodies the parsed `payload_json`. */
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
  /** The stand-in route that served the request, or undefined if none matched (a 404). */
  readonly route: string | undefined;
  readonly status: number;
  readonly responseBody: unknown;
}

export interface CannedResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface RouteContext {
  readonly params: RouteParams;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
}

interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Route {
  readonly method: string;
  readonly pattern: RoutePattern;
  /** Interaction callbacks and interaction webhooks authenticate by the token in the URL instead. */
  readonly needsBotToken: boolean;
  readonly handle: (context: RouteContext) => RouteResult;
}

const ok = (body: unknown): RouteResult => ({ status: 200, body });
const noContent: RouteResult = { status: 204 };

function param(params: RouteParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`Route parameter ${name} missing`);
  return value;
}

export interface RestLinks {
  /** Returned by GET /gateway/bot. */
  readonly gatewayUrl: string;
}

/** A file the stand-in serves outside /api, as Discord's CDN serves attachments. */
export interface HostedFile {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

/** Where hosted files live, e.g. `/attachments/1/2/page.txt`. */
export const FILES_PREFIX = '/attachments/';

export class RestStandIn {
  /** Files served at FILES_PREFIX paths (see `hostFile` on the stand-in); downloads are recorded as requests. */
  readonly files = new Map<string, HostedFile>();
  readonly requests = new WaitableLog<RecordedRequest>((r) => `${r.method} ${r.path} -> ${r.status}`);
  private readonly routes: Route[];
  private readonly canned: { method: string; pattern: RoutePattern; response: CannedResponse }[] = [];

  constructor(
    private readonly state: DiscordState,
    links: RestLinks,
  ) {
    this.routes = buildRoutes(state, links);
  }

  /** The next request matching method and pattern gets this response instead of the usual one. */
  respondOnce(method: string, pattern: string | RegExp, response: CannedResponse): void {
    this.canned.push({ method: method.toUpperCase(), pattern: compileRoutePattern(pattern), response });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = (request.method ?? 'GET').toUpperCase();
    // discord.js percent-encodes route segments (`@original` arrives as `%40original`);
    // recorded paths and route matching use the decoded form, as Discord's docs write them.
    const pathname = decodePath(url.pathname);
    const underApi = pathname.startsWith(`${API_PREFIX}/`);
    const path = underApi ? pathname.slice(API_PREFIX.length) : pathname;
    const raw = await readRaw(request);

    const hosted = method === 'GET' && !underApi ? this.files.get(pathname) : undefined;
    if (hosted) {
      response.writeHead(200, { 'content-type': hosted.contentType, 'content-length': String(hosted.bytes.length) }).end(hosted.bytes);
      const recorded = { method, path, query: Object.fromEntries(url.searchParams), headers: request.headers, body: undefined, files: [] };
      this.requests.push({ ...recorded, route: 'file', status: 200, responseBody: undefined });
      return;
    }

    let parsed: { body: unknown; files: readonly RecordedFile[] } = { body: undefined, files: [] };
    let routeSource: string | undefined;
    let result: RouteResult;
    try {
      parsed = await parseBody(raw, request.headers['content-type']);
      const served = this.serve(method, underApi, path, url.searchParams, request.headers, parsed);
      routeSource = served.route;
      result = served.result;
    } catch (error) {
      result = errorResult(error);
    }

    this.writeResponse(response, result);
    this.requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: parsed.body,
      files: parsed.files,
      route: routeSource,
      status: result.status,
      responseBody: result.body,
    });
  }

  private serve(
    method: string,
    underApi: boolean,
    path: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    parsed: { body: unknown; files: readonly RecordedFile[] },
  ): { route: string | undefined; result: RouteResult } {
    const cannedIndex = this.canned.findIndex((c) => c.method === method && c.pattern.match(path) !== null);
    const canned = this.canned[cannedIndex];
    if (canned) {
      this.canned.splice(cannedIndex, 1);
      return { route: `canned ${canned.pattern.source}`, result: canned.response };
    }
    if (!underApi) return { route: undefined, result: notFound() };

    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = route.pattern.match(path);
      if (!params) continue;
      if (route.needsBotToken && headers.authorization !== `Bot ${this.state.fixture.token}`) {
        return { route: route.pattern.source, result: { status: 401, body: { message: '401: Unauthorized', code: 0 } } };
      }
      const result = route.handle({ params, query, body: parsed.body, files: parsed.files });
      return { route: route.pattern.source, result };
    }
    return { route: undefined, result: notFound() };
  }

  private writeResponse(response: ServerResponse, result: RouteResult): void {
    const headers: Record<string, string> = { ...result.headers };
    if (result.status === 204 || result.body === undefined) {
      response.writeHead(result.status, headers).end();
      return;
    }
    headers['content-type'] = 'application/json';
    response.writeHead(result.status, headers).end(JSON.stringify(result.body));
  }
}

function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

function notFound(): RouteResult {
  return { status: 404, body: { message: '404: Not Found', code: 0 } };
}

function errorResult(error: unknown): RouteResult {
  if (error instanceof DiscordApiError) return { status: error.status, body: error.toJSON() };
  if (error instanceof BodyParseError) return { status: 400, body: { message: error.message, code: 50109 } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { message: `Stand-in failure: ${message}`, code: 0 } };
}

// ---------------------------------------------------------------------------------------------
// Routes

function buildRoutes(state: DiscordState, links: RestLinks): Route[] {
  const { fixture } = state;
  const routes: Route[] = [];
  const add = (method: string, pattern: string, handle: Route['handle'], needsBotToken = true): void => {
    routes.push({ method, pattern: compileRoutePattern(pattern), needsBotToken, handle });
  };

  const requireApplication = (params: RouteParams): void => {
    if (param(params, 'applicationId') !== fixture.application.id) {
      throw new DiscordApiError(404, 10002, 'Unknown Application');
    }
  };
  const knownUsers = (): APIUser[] => [fixture.bot, fixture.user, ...fixture.guilds.flatMap((g) => g.members.map((m) => m.user))];

  // --- Login: discord.js asks for the gateway before anything else.
  add('GET', '/gateway/bot', () =>
    ok({
      url: links.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    }),
  );
  add('GET', '/gateway', () => ok({ url: links.gatewayUrl }), false);

  // --- Users and the application.
  add('GET', '/users/@me', () => ok(fixture.bot));
  add('GET', '/users/:userId', ({ params }) => {
    const user = knownUsers().find((u) => u.id === param(params, 'userId'));
    if (!user) throw new DiscordApiError(404, 10013, 'Unknown User');
    return ok(user);
  });
  add('POST', '/users/@me/channels', ({ body }) => {
    const recipientId = (body as { recipient_id?: string } | undefined)?.recipient_id;
    const recipient = knownUsers().find((u) => u.id === recipientId);
    if (!recipient) throw new DiscordApiError(400, 50007, 'Cannot send messages to this user');
    return ok(state.openDmChannel(recipient));
  });
  add('GET', '/applications/@me', () =>
    ok({
      id: fixture.application.id,
      name: fixture.application.name,
      icon: null,
      description: 'Answers questions about APO SME programmes',
      summary: '',
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: fixture.application.flags,
      flags_new: String(fixture.application.flags),
      bot: fixture.bot,
      owner: fixture.user,
      team: null,
      tags: [],
      redirect_uris: [],
      interactions_endpoint_url: null,
      integration_types_config: { [ApplicationIntegrationType.GuildInstall]: {} },
    }),
  );

  // --- Application commands: stored and echoed back with ids, as Discord does.
  const putCommands = (inputs: unknown, existing: APIApplicationCommand[], guildId?: string): APIApplicationCommand[] => {
    if (!Array.isArray(inputs)) throw new DiscordApiError(400, 50035, 'Invalid Form Body');
    return inputs.map((input) => toCommand(input as CommandInput, fixture.application.id, existing, guildId));
  };
  add('GET', '/applications/:applicationId/commands', ({ params }) => {
    requireApplication(params);
    return ok(state.globalCommands);
  });
  add('PUT', '/applications/:applicationId/commands', ({ params, body }) => {
    requireApplication(params);
    state.globalCommands = putCommands(body, state.globalCommands);
    return ok(state.globalCommands);
  });
  add('POST', '/applications/:applicationId/commands', ({ params, body }) => {
    requireApplication(params);
    const [command] = putCommands([body], state.globalCommands);
    state.globalCommands = [...state.globalCommands.filter((c) => c.name !== command?.name), ...(command ? [command] : [])];
    return { status: 201, body: command };
  });
  add('GET', '/applications/:applicationId/guilds/:guildId/commands', ({ params }) => {
    requireApplication(params);
    return ok(state.guildCommands.get(param(params, 'guildId')) ?? []);
  });
  add('PUT', '/applications/:applicationId/guilds/:guildId/commands', ({ params, body }) => {
    requireApplication(params);
    const guildId = param(params, 'guildId');
    if (!fixture.guilds.some((g) => g.id === guildId)) throw new DiscordApiError(403, 50001, 'Missing Access');
    const commands = putCommands(body, state.guildCommands.get(guildId) ?? [], guildId);
    state.guildCommands.set(guildId, commands);
    return ok(commands);
  });

  // --- Interaction responses. No bot token: the interaction token in the URL is the credential.
  add(
    'POST',
    '/interactions/:interactionId/:interactionToken/callback',
    ({ params, query, body, files }) => {
      const record = state.interactions.get(param(params, 'interactionId'));
      if (!record || record.token !== param(params, 'interactionToken')) throw unknownInteraction();
      if (record.responseType !== undefined) {
        throw new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
      }
      const callback = (body ?? {}) as { type?: number; data?: MessageInput };
      const message = respondToInteraction(state, record, callback, files);
      record.responseType = callback.type as InteractionResponseType;
      if (query.get('with_response') !== 'true') return noContent;
      return ok({
        interaction: {
          id: record.id,
          type: record.type === InteractionType.MessageComponent ? InteractionType.MessageComponent : InteractionType.ApplicationCommand,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: callback.type === InteractionResponseType.DeferredChannelMessageWithSource,
                response_message_ephemeral: Boolean((message.flags ?? 0) & 64),
              }
            : {}),
        },
        ...(message ? { resource: { type: callback.type, message } } : {}),
      });
    },
    false,
  );

  // --- The interaction's webhook: editing the original response and sending follow-ups.
  const webhookMessageId = (record: InteractionRecord, messageId: string): string => {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    if (!id || !state.messages.has(id)) throw unknownMessage();
    return id;
  };
  add(
    'POST',
    '/webhooks/:applicationId/:token',
    ({ params, query, body, files }) => {
      const record = state.interactionByToken(param(params, 'applicationId'), param(params, 'token'));
      const input = asMessageInput(body);
      validateMessageInput(input, files, true);
      const message = state.interactionMessage(record, input, files, false);
      return query.get('wait') === 'true' ? ok(message) : noContent;
    },
    false,
  );
  add(
    'GET',
    '/webhooks/:applicationId/:token/messages/:messageId',
    ({ params }) => {
      const record = state.interactionByToken(param(params, 'applicationId'), param(params, 'token'));
      return ok(state.messages.get(webhookMessageId(record, param(params, 'messageId'))));
    },
    false,
  );
  add(
    'PATCH',
    '/webhooks/:applicationId/:token/messages/:messageId',
    ({ params, body, files }) => {
      const record = state.interactionByToken(param(params, 'applicationId'), param(params, 'token'));
      const input = asMessageInput(body);
      validateMessageInput(input, files, false);
      return ok(state.editMessage(webhookMessageId(record, param(params, 'messageId')), input, files));
    },
    false,
  );
  add(
    'DELETE',
    '/webhooks/:applicationId/:token/messages/:messageId',
    ({ params }) => {
      const record = state.interactionByToken(param(params, 'applicationId'), param(params, 'token'));
      state.messages.delete(webhookMessageId(record, param(params, 'messageId')));
      return noContent;
    },
    false,
  );

  // --- Channels and messages.
  add('GET', '/channels/:channelId', ({ params }) => ok(state.channel(param(params, 'channelId'))));
  add('POST', '/channels/:channelId/typing', ({ params }) => {
    state.channel(param(params, 'channelId'));
    return noContent;
  });
  add('POST', '/channels/:channelId/messages', ({ params, body, files }) => {
    const input = asMessageInput(body);
    validateMessageInput(input, files, true);
    return ok(state.createMessage(param(params, 'channelId'), input, files));
  });
  const messageIn = (params: RouteParams): APIMessage => {
    state.channel(param(params, 'channelId'));
    const message = state.messages.get(param(params, 'messageId'));
    if (!message || message.channel_id !== param(params, 'channelId')) throw unknownMessage();
    return message;
  };
  add('GET', '/channels/:channelId/messages/:messageId', ({ params }) => ok(messageIn(params)));
  // A channel's messages, newest first as Discord lists them; `after` (a message id) and `limit` as Discord reads them.
  add('GET', '/channels/:channelId/messages', ({ params, query }) => {
    const channelId = state.channel(param(params, 'channelId')).id;
    const after = query.get('after');
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 50) || 50, 1), 100);
    const listed = [...state.messages.values()]
      .filter((message) => message.channel_id === channelId && (after === null || BigInt(message.id) > BigInt(after)))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    return ok(listed.slice(0, limit));
  });
  add('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
    const message = messageIn(params);
    if (message.author.id !== fixture.bot.id) throw new DiscordApiError(403, 50005, 'Cannot edit a message authored by another user');
    const input = asMessageInput(body);
    validateMessageInput(input, files, false);
    return ok(state.editMessage(message.id, input, files));
  });
  add('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
    state.messages.delete(messageIn(params).id);
    return noContent;
  });

  return routes;
}

function respondToInteraction(
  state: DiscordState,
  record: InteractionRecord,
  callback: { type?: number; data?: MessageInput },
  files: readonly RecordedFile[],
): APIMessage | undefined {
  const data = callback.data ?? {};
  switch (callback.type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      validateMessageInput(data, files, true);
      const message = state.interactionMessage(record, data, files, false);
      record.originalMessageId = message.id;
      return message;
    }
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      // Discord shows "thinking…" until the bot edits @original.
      const message = state.interactionMessage(record, { flags: data.flags ?? 0 }, [], true);
      record.originalMessageId = message.id;
      return message;
    }
    case InteractionResponseType.DeferredMessageUpdate:
    case InteractionResponseType.UpdateMessage: {
      // Only a component's interaction may edit the message the component is on.
      if (record.type !== InteractionType.MessageComponent || !record.messageId || !state.messages.has(record.messageId)) {
        throw new DiscordApiError(400, 50035, 'Invalid Form Body', {
          type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value ${String(callback.type)} is only a valid response to a component on a known message.` }] },
        });
      }
      record.originalMessageId = record.messageId;
      if (callback.type === InteractionResponseType.DeferredMessageUpdate) return state.messages.get(record.messageId);
      validateMessageInput(data, files, false);
      return state.editMessage(record.messageId, data, files);
    }
    case InteractionResponseType.Modal:
    case InteractionResponseType.ApplicationCommandAutocompleteResult:
      return undefined;
    default:
      throw new DiscordApiError(400, 50035, 'Invalid Form Body', {
        type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value ${String(callback.type)} is not a valid response to an application command.` }] },
      });
  }
}

interface CommandInput {
  readonly name?: string;
  readonly type?: ApplicationCommandType;
  readonly description?: string;
  readonly options?: unknown[];
  readonly default_member_permissions?: string | null;
  readonly contexts?: number[] | null;
  readonly integration_types?: number[];
  readonly nsfw?: boolean;
}

function toCommand(input: CommandInput, applicationId: string, existing: APIApplicationCommand[], guildId?: string): APIApplicationCommand {
  if (!input.name) throw new DiscordApiError(400, 50035, 'Invalid Form Body', { name: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } });
  const type = input.type ?? ApplicationCommandType.ChatInput;
  // Discord keeps a command's id when it is overwritten under the same name and type.
  const previous = existing.find((c) => c.name === input.name && c.type === type);
  return {
    id: previous?.id ?? nextSnowflake(),
    application_id: applicationId,
    version: nextSnowflake(),
    type,
    name: input.name,
    description: input.description ?? '',
    ...(input.options ? { options: input.options as APIApplicationCommand['options'] } : {}),
    default_member_permissions: input.default_member_permissions ?? null,
    nsfw: input.nsfw ?? false,
    integration_types: (input.integration_types ?? [ApplicationIntegrationType.GuildInstall]) as ApplicationIntegrationType[],
    contexts: (input.contexts ?? null) as APIApplicationCommand['contexts'],
    ...(guildId ? { guild_id: guildId } : {}),
  } as APIApplicationCommand;
}
