import { isPlainObject } from './requestBody.js';
import type { SLACK_TEST_IDS } from './ids.js';

/** The fake workspace as the stand-in describes it; every id can be overridden. */
export type WorkspaceIdentity = { -readonly [K in keyof typeof SLACK_TEST_IDS]: string };

export interface MethodContext {
  /** The parsed arguments of the call (form fields or JSON). */
  body: Record<string, unknown>;
  identity: WorkspaceIdentity;
  /** A fresh message timestamp in Slack's "seconds.micros" shape, unique per stand-in. */
  nextTs: () => string;
  /** A fresh id with the given prefix (e.g. "V" for views), unique per stand-in. */
  nextId: (prefix: string) => string;
  /** Every message posted with chat.postMessage so far, oldest first: what the history methods read. */
  posted: readonly PostedMessage[];
}

/** A message the bot posted, as the stand-in keeps it for conversations.history / replies. */
export interface PostedMessage {
  readonly channel: string;
  /** Slack's message object, metadata included. */
  readonly message: MethodAnswer;
}

/** What the method answers; `ok: true` is added when the responder leaves `ok` out. */
export type MethodAnswer = Record<string, unknown>;
export type MethodResponder = (context: MethodContext) => MethodAnswer;

export function slackError(error: string): MethodAnswer {
  return { ok: false, error };
}

function stringArg(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The message object Slack echoes back for messages the bot posts or edits. */
function botMessage(context: MethodContext, ts: string): MethodAnswer {
  const { body, identity } = context;
  const message: MethodAnswer = {
    type: 'message',
    user: identity.botUserId,
    bot_id: identity.botId,
    app_id: identity.apiAppId,
    team: identity.teamId,
    text: typeof body.text === 'string' ? body.text : '',
    ts,
  };
  for (const optional of ['blocks', 'attachments', 'thread_ts', 'metadata'] as const) {
    if (body[optional] !== undefined) message[optional] = body[optional];
  }
  return message;
}

/** The bot's messages in `channel` after `oldest` (if given), oldest first, as the history methods show them. */
function postedIn(context: MethodContext, channel: string): MethodAnswer[] {
  const oldest = stringArg(context.body, 'oldest');
  const withMetadata = context.body.include_all_metadata === true || context.body.include_all_metadata === 'true';
  return context.posted
    .filter((posted) => posted.channel === channel && (oldest === undefined || Number(posted.message.ts) > Number(oldest)))
    .map(({ message }) => {
      if (withMetadata) return { ...message };
      const { metadata: _left, ...rest } = message;
      return rest;
    });
}

// Slack refuses a message with nothing to show.
function hasContent(body: Record<string, unknown>): boolean {
  return stringArg(body, 'text') !== undefined || body.blocks !== undefined || body.attachments !== undefined;
}

function userName(identity: WorkspaceIdentity, userId: string): string {
  if (userId === identity.botUserId) return identity.botUserName;
  if (userId === identity.humanUserId) return identity.humanUserName;
  return `user-${userId.toLowerCase()}`;
}

function answerView(context: MethodContext): MethodAnswer {
  const { body, identity } = context;
  if (!isPlainObject(body.view)) return slackError('invalid_arguments');
  return {
    ok: true,
    view: {
      ...body.view,
      id: context.nextId('V'),
      team_id: identity.teamId,
      app_id: identity.apiAppId,
      bot_id: identity.botId,
      state: { values: {} },
      hash: context.nextId('hash-'),
    },
  };
}

/**
 * Answers for the methods the bot uses, shaped after Slack's documented
 * responses. Only the fields a bot plausibly reads are filled in.
 */
export const DEFAULT_RESPONDERS: Readonly<Record<string, MethodResponder>> = {
  'auth.test': ({ identity }) => ({
    ok: true,
    url: `https://${identity.teamDomain}.slack.com/`,
    team: identity.teamName,
    user: identity.botUserName,
    team_id: identity.teamId,
    user_id: identity.botUserId,
    bot_id: identity.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (context) => {
    const channel = stringArg(context.body, 'channel');
    if (channel === undefined) return slackError('channel_not_found');
    if (!hasContent(context.body)) return slackError('no_text');
    const ts = context.nextTs();
    return { ok: true, channel, ts, message: botMessage(context, ts) };
  },

  'chat.postEphemeral': (context) => {
    if (stringArg(context.body, 'channel') === undefined) return slackError('channel_not_found');
    if (stringArg(context.body, 'user') === undefined) return slackError('user_not_in_channel');
    if (!hasContent(context.body)) return slackError('no_text');
    return { ok: true, message_ts: context.nextTs() };
  },

  'chat.update': (context) => {
    const channel = stringArg(context.body, 'channel');
    const ts = stringArg(context.body, 'ts');
    if (channel === undefined) return slackError('channel_not_found');
    if (ts === undefined) return slackError('message_not_found');
    const message = botMessage(context, ts);
    return { ok: true, channel, ts, text: message.text, message };
  },

  'views.open': (context) =>
    stringArg(context.body, 'trigger_id') === undefined ? slackError('invalid_trigger_id') : answerView(context),

  'views.publish': (context) =>
    stringArg(context.body, 'user_id') === undefined ? slackError('user_not_found') : answerView(context),

  'users.info': ({ body, identity }) => {
    const userId = stringArg(body, 'user');
    if (userId === undefined) return slackError('user_not_found');
    const name = userName(identity, userId);
    return {
      ok: true,
      user: {
        id: userId,
        team_id: identity.teamId,
        name,
        real_name: name,
        deleted: false,
        is_bot: userId === identity.botUserId,
        tz: 'Asia/Tokyo',
        tz_offset: 32_400,
        profile: { real_name: name, display_name: name },
      },
    };
  },

  // Slack leaves message metadata out unless include_all_metadata is asked; `oldest` is exclusive.
  'conversations.history': (context) => {
    const channel = stringArg(context.body, 'channel');
    if (channel === undefined) return slackError('channel_not_found');
    const messages = postedIn(context, channel).filter((message) => message.thread_ts === undefined || message.thread_ts === message.ts);
    // Newest first, as Slack lists a channel's history.
    return { ok: true, messages: messages.reverse(), has_more: false };
  },

  'conversations.replies': (context) => {
    const channel = stringArg(context.body, 'channel');
    const ts = stringArg(context.body, 'ts');
    if (channel === undefined) return slackError('channel_not_found');
    if (ts === undefined) return slackError('thread_not_found');
    // Oldest first, as Slack lists a thread (its parent is not a message the stand-in saw).
    return { ok: true, messages: postedIn(context, channel).filter((message) => message.thread_ts === ts), has_more: false };
  },

  'conversations.info': ({ body, identity }) => {
    const channelId = stringArg(body, 'channel');
    if (channelId === undefined) return slackError('channel_not_found');
    // Slack's id prefix says what kind of conversation it is; D means a DM.
    const isDirectMessage = channelId.startsWith('D');
    const name = channelId === identity.channelId ? identity.channelName : `channel-${channelId.toLowerCase()}`;
    return {
      ok: true,
      channel: {
        id: channelId,
        ...(isDirectMessage ? { user: identity.humanUserId } : { name, name_normalized: name }),
        is_channel: !isDirectMessage,
        is_group: false,
        is_im: isDirectMessage,
        is_mpim: false,
        is_private: isDirectMessage,
        is_archived: false,
        is_member: true,
        created: 1_700_000_000,
        context_team_id: identity.teamId,
      },
    };
  },
};
