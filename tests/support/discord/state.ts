/**
 * What the stand-in remembers between requests: channels, the messages the bot sent (so
 * edits and replies to them behave), the interactions dispatched to the bot (so callbacks
 * and webhook edits can be checked against them) and the registered commands.
 */

import { ChannelType, InteractionType, MessageFlags, MessageType } from 'discord.js';
import type { InteractionResponseType } from 'discord.js';
import type { APIApplicationCommand, APIAttachment, APIChannel, APIMessage, APIUser } from 'discord.js';
import type { DiscordFixture } from './fixture.js';
import type { RecordedFile } from './httpBody.js';
import { buildDmChannel, buildTextChannel } from './payloads.js';
import { nextSnowflake } from './snowflake.js';

/** A failure Discord would report, with its JSON error code. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toJSON(): { code: number; message: string; errors?: unknown } {
    return { code: this.code, message: this.message, ...(this.errors === undefined ? {} : { errors: this.errors }) };
  }
}

function invalidFormBody(field: string, code: string, message: string): DiscordApiError {
  return new DiscordApiError(400, 50035, 'Invalid Form Body', { [field]: { _errors: [{ code, message }] } });
}

export const unknownChannel = (): DiscordApiError => new DiscordApiError(404, 10003, 'Unknown Channel');
export const unknownMessage = (): DiscordApiError => new DiscordApiError(404, 10008, 'Unknown Message');
export const unknownWebhook = (): DiscordApiError => new DiscordApiError(404, 10015, 'Unknown Webhook');
export const unknownInteraction = (): DiscordApiError => new DiscordApiError(404, 10062, 'Unknown interaction');

const MAX_CONTENT_LENGTH = 2000;
const MAX_EMBEDS = 10;

/** The message fields a bot may send; the rest of the body is only recorded. */
export interface MessageInput {
  readonly content?: string;
  readonly embeds?: unknown[];
  readonly components?: unknown[];
  readonly flags?: number;
  readonly message_reference?: { message_id?: string; channel_id?: string; guild_id?: string; fail_if_not_exists?: boolean };
  readonly attachments?: { id: string | number; description?: string }[];
  readonly poll?: unknown;
  readonly sticker_ids?: string[];
}

export function asMessageInput(body: unknown): MessageInput {
  return typeof body === 'object' && body !== null ? (body as MessageInput) : {};
}

/** The limits Discord enforces that a bot is most likely to trip over. */
export function validateMessageInput(input: MessageInput, files: readonly RecordedFile[], creating: boolean): void {
  if (typeof input.content === 'string' && input.content.length > MAX_CONTENT_LENGTH) {
    throw invalidFormBody('content', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`);
  }
  if (Array.isArray(input.embeds) && input.embeds.length > MAX_EMBEDS) {
    throw invalidFormBody('embeds', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`);
  }
  const hasSomething =
    (typeof input.content === 'string' && input.content.length > 0) ||
    (input.embeds?.length ?? 0) > 0 ||
    (input.components?.length ?? 0) > 0 ||
    (input.sticker_ids?.length ?? 0) > 0 ||
    input.poll !== undefined ||
    files.length > 0;
  if (creating && !hasSomething) throw new DiscordApiError(400, 50006, 'Cannot send an empty message');
}

export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly user: APIUser;
  responseType: InteractionResponseType | undefined;
  originalMessageId: string | undefined;
  /** The interaction type (2 a command, 3 a button or other component). */
  readonly type: number;
  /** For a component interaction: the message the component is on, which type 6 and 7 responses edit. */
  readonly messageId: string | undefined;
}

export class DiscordState {
  readonly channels = new Map<string, APIChannel>();
  readonly messages = new Map<string, APIMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();

  constructor(readonly fixture: DiscordFixture) {
    for (const guild of fixture.guilds) {
      guild.textChannels.forEach((channel, index) => {
        this.channels.set(channel.id, buildTextChannel(guild, channel, index));
      });
    }
  }

  /** Learns from what the test dispatches, so later REST calls about it are accepted. */
  observeDispatch(event: string, data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    if (event === 'INTERACTION_CREATE') this.rememberInteraction(data as Record<string, unknown>);
    if (event === 'MESSAGE_CREATE') {
      const message = data as APIMessage & { channel_type?: ChannelType };
      this.messages.set(message.id, message);
      if (message.channel_type === ChannelType.DM) this.openDmChannel(message.author);
    }
  }

  private rememberInteraction(data: Record<string, unknown>): void {
    const member = data['member'] as { user: APIUser } | undefined;
    const user = (data['user'] as APIUser | undefined) ?? member?.user;
    const channel = data['channel'] as { id: string } | undefined;
    if (!user) return;
    const record: InteractionRecord = {
      id: String(data['id']),
      token: String(data['token']),
      applicationId: String(data['application_id']),
      channelId: channel?.id ?? String(data['channel_id']),
      guildId: data['guild_id'] === undefined ? undefined : String(data['guild_id']),
      user,
      responseType: undefined,
      originalMessageId: undefined,
      type: Number(data['type']),
      messageId: (data['message'] as { id?: string } | undefined)?.id,
    };
    this.interactions.set(record.id, record);
    if (!record.guildId) this.openDmChannel(user);
  }

  openDmChannel(recipient: APIUser): APIChannel {
    const existing = this.channels.get(this.fixture.dmChannelId);
    if (existing) return existing;
    const channel = buildDmChannel(this.fixture, recipient);
    this.channels.set(channel.id, channel);
    return channel;
  }

  channel(id: string): APIChannel {
    const channel = this.channels.get(id);
    if (!channel) throw unknownChannel();
    return channel;
  }

  interactionByToken(applicationId: string, token: string): InteractionRecord {
    if (applicationId !== this.fixture.application.id) throw unknownWebhook();
    for (const record of this.interactions.values()) {
      // Discord only opens the webhook once the interaction has been answered.
      if (record.token === token && record.responseType !== undefined) return record;
    }
    throw unknownWebhook();
  }

  createMessage(channelId: string, input: MessageInput, files: readonly RecordedFile[], extra: Partial<APIMessage> = {}): APIMessage {
    const channel = this.channel(channelId);
    const reference = input.message_reference;
    let type = MessageType.Default;
    let referenced: APIMessage | undefined;
    if (reference?.message_id) {
      referenced = this.messages.get(reference.message_id);
      if (!referenced && reference.fail_if_not_exists !== false) {
        throw invalidFormBody('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
      }
      if (referenced) type = MessageType.Reply;
    }
    const message: APIMessage = {
      id: nextSnowflake(),
      channel_id: channel.id,
      author: this.fixture.bot,
      content: input.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: attachmentsFor(channel.id, input, files),
      embeds: (input.embeds ?? []) as APIMessage['embeds'],
      components: (input.components ?? []) as APIMessage['components'],
      pinned: false,
      type,
      flags: (input.flags ?? 0) as MessageFlags,
      ...(referenced && reference
        ? {
            message_reference: { type: 0, message_id: referenced.id, channel_id: referenced.channel_id, ...('guild_id' in channel && channel.guild_id ? { guild_id: channel.guild_id } : {}) },
            referenced_message: referenced,
          }
        : {}),
      ...extra,
    };
    this.messages.set(message.id, message);
    return message;
  }

  editMessage(id: string, input: MessageInput, files: readonly RecordedFile[]): APIMessage {
    const message = this.messages.get(id);
    if (!message) throw unknownMessage();
    const edited: APIMessage = {
      ...message,
      ...(input.content === undefined ? {} : { content: input.content }),
      ...(input.embeds === undefined ? {} : { embeds: input.embeds as APIMessage['embeds'] }),
      ...(input.components === undefined ? {} : { components: input.components as APIMessage['components'] }),
      ...(files.length > 0 || input.attachments !== undefined ? { attachments: attachmentsFor(message.channel_id, input, files) } : {}),
      // Editing a deferred ("thinking…") response turns it into a normal message.
      flags: (((input.flags ?? message.flags ?? 0) as number) & ~MessageFlags.Loading) as MessageFlags,
      edited_timestamp: new Date().toISOString(),
    };
    this.messages.set(id, edited);
    return edited;
  }

  /** The message an interaction response creates: sent by the bot, marked with the interaction. */
  interactionMessage(record: InteractionRecord, input: MessageInput, files: readonly RecordedFile[], loading: boolean): APIMessage {
    const flags = (input.flags ?? 0) | (loading ? MessageFlags.Loading : 0);
    return this.createMessage(record.channelId, { ...input, flags, message_reference: undefined }, files, {
      type: MessageType.ChatInputCommand,
      webhook_id: record.applicationId,
      application_id: record.applicationId,
      interaction_metadata: {
        id: record.id,
        type: InteractionType.ApplicationCommand,
        user: record.user,
        authorizing_integration_owners: {},
      },
    });
  }
}

function attachmentsFor(channelId: string, input: MessageInput, files: readonly RecordedFile[]): APIAttachment[] {
  return files.map((file, index) => {
    const id = nextSnowflake();
    const described = input.attachments?.find((a) => String(a.id) === String(index));
    // A host under .invalid can never resolve, so nothing ever leaves 127.0.0.1 by accident.
    const url = `https://cdn.stand-in.invalid/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
    return {
      id,
      filename: file.name,
      size: file.data.length,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(described?.description ? { description: described.description } : {}),
    };
  });
}
