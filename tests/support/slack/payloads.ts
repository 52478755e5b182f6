/**
 * Builders for the payloads Slack sends to an app, shaped after Slack's
 * documented examples (docs.slack.dev: Events API wrapper, app_mention,
 * message.im, message.channels / message.groups, url_verification, slash command request fields).
 * Defaults come from SLACK_TEST_IDS so they match the Web API stand-in.
 */
import { SLACK_TEST_IDS } from './ids.js';

let sequence = 0;
const next = (): number => ++sequence;

/** A unique message timestamp in Slack's "seconds.micros" string shape. */
export function nextMessageTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(next()).padStart(6, '0')}`;
}

export interface EventCallbackOptions {
  teamId?: string;
  apiAppId?: string;
  /** The installation the event is delivered for; Bolt reads team_id from here. */
  authorizedUserId?: string;
  eventId?: string;
  eventTime?: number;
}

/** The `event_callback` envelope every Events API event arrives in. */
export function buildEventCallback<E extends Record<string, unknown>>(event: E, options: EventCallbackOptions = {}) {
  const teamId = options.teamId ?? SLACK_TEST_IDS.teamId;
  return {
    // The legacy verification token; Bolt ignores it in favour of the signature.
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: options.apiAppId ?? SLACK_TEST_IDS.apiAppId,
    event,
    type: 'event_callback' as const,
    event_id: options.eventId ?? `Ev${String(next()).padStart(9, '0')}`,
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: options.authorizedUserId ?? SLACK_TEST_IDS.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-event-context-${next()}`,
  };
}

export interface MessageEventOptions {
  text?: string;
  user?: string;
  channel?: string;
  ts?: string;
  /** Set when the message is a reply inside a thread. */
  threadTs?: string;
  envelope?: EventCallbackOptions;
}

/**
 * An `app_mention` event wrapped in `event_callback`. `text` is what follows
 * the mention; the `<@bot>` prefix is added like Slack renders it.
 */
export function buildAppMentionEvent(options: MessageEventOptions & { botUserId?: string } = {}) {
  const ts = options.ts ?? nextMessageTs();
  const botUserId = options.botUserId ?? SLACK_TEST_IDS.botUserId;
  return buildEventCallback(
    {
      type: 'app_mention' as const,
      user: options.user ?? SLACK_TEST_IDS.humanUserId,
      text: `<@${botUserId}> ${options.text ?? 'hello'}`,
      ts,
      channel: options.channel ?? SLACK_TEST_IDS.channelId,
      event_ts: ts,
      team: options.envelope?.teamId ?? SLACK_TEST_IDS.teamId,
      client_msg_id: `client-msg-${next()}`,
      ...(options.threadTs !== undefined ? { thread_ts: options.threadTs } : {}),
    },
    options.envelope,
  );
}

/** A `message` event in a direct message with the bot (channel_type "im"). */
export function buildDirectMessageEvent(options: MessageEventOptions = {}) {
  const ts = options.ts ?? nextMessageTs();
  return buildEventCallback(
    {
      type: 'message' as const,
      channel: options.channel ?? SLACK_TEST_IDS.directMessageChannelId,
      user: options.user ?? SLACK_TEST_IDS.humanUserId,
      text: options.text ?? 'hello',
      ts,
      event_ts: ts,
      channel_type: 'im' as const,
      team: options.envelope?.teamId ?? SLACK_TEST_IDS.teamId,
      client_msg_id: `client-msg-${next()}`,
      ...(options.threadTs !== undefined ? { thread_ts: options.threadTs } : {}),
    },
    options.envelope,
  );
}

/**
 * A `message` event in a public channel (`message.channels`, channel_type "channel") or a private
 * one (`message.groups`, "group"): what the bot receives for every message, threaded or not, in a
 * channel it is in. `text` is sent as is: write `<@U…>` yourself for a mention.
 */
export function buildChannelMessageEvent(options: MessageEventOptions & { channelType?: 'channel' | 'group' } = {}) {
  const ts = options.ts ?? nextMessageTs();
  return buildEventCallback(
    {
      type: 'message' as const,
      channel: options.channel ?? SLACK_TEST_IDS.channelId,
      user: options.user ?? SLACK_TEST_IDS.humanUserId,
      text: options.text ?? 'hello',
      ts,
      event_ts: ts,
      channel_type: options.channelType ?? 'channel',
      team: options.envelope?.teamId ?? SLACK_TEST_IDS.teamId,
      client_msg_id: `client-msg-${next()}`,
      ...(options.threadTs !== undefined ? { thread_ts: options.threadTs, parent_user_id: SLACK_TEST_IDS.humanUserId } : {}),
    },
    options.envelope,
  );
}

/** The handshake Slack sends when a Request URL is configured; no inner event. */
export function buildUrlVerification(challenge = `challenge-${next()}`) {
  return { token: 'legacy-verification-token', challenge, type: 'url_verification' as const };
}

/** Every field of a slash command request; all values are strings because the body is a form. */
export type SlashCommandFields = Record<string, string>;

/**
 * The form fields Slack posts for a slash command. `response_url` is required
 * because no default could work: take it from the stand-in
 * (`api.responseUrl()`) so `respond()` lands somewhere recorded.
 */
export function buildSlashCommand(
  overrides: Partial<SlashCommandFields> & { response_url: string },
): SlashCommandFields {
  const fields: SlashCommandFields = {
    token: 'legacy-verification-token',
    team_id: SLACK_TEST_IDS.teamId,
    team_domain: SLACK_TEST_IDS.teamDomain,
    channel_id: SLACK_TEST_IDS.channelId,
    channel_name: SLACK_TEST_IDS.channelName,
    user_id: SLACK_TEST_IDS.humanUserId,
    user_name: SLACK_TEST_IDS.humanUserName,
    command: '/apo',
    text: '',
    api_app_id: SLACK_TEST_IDS.apiAppId,
    is_enterprise_install: 'false',
    response_url: overrides.response_url,
    trigger_id: `${next()}.${SLACK_TEST_IDS.teamId}.trigger`,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

/**
 * A `message` event with subtype `file_share` in a DM: what Slack sends when someone sends the bot
 * a file. Pass files from the stand-in's `addFile`.
 */
export function buildFileShareEvent(options: MessageEventOptions & { files: readonly object[] }) {
  const ts = options.ts ?? nextMessageTs();
  return buildEventCallback(
    {
      type: 'message' as const,
      subtype: 'file_share' as const,
      channel: options.channel ?? SLACK_TEST_IDS.directMessageChannelId,
      user: options.user ?? SLACK_TEST_IDS.humanUserId,
      text: options.text ?? '',
      ts,
      event_ts: ts,
      channel_type: 'im' as const,
      upload: true,
      display_as_bot: false,
      files: options.files,
      team: options.envelope?.teamId ?? SLACK_TEST_IDS.teamId,
      ...(options.threadTs !== undefined ? { thread_ts: options.threadTs } : {}),
    },
    options.envelope,
  );
}
