/**
 * Builders for the payloads Discord sends a bot, shaped after the API documentation and typed
 * with discord-api-types (re-exported by discord.js) so a misspelt field fails type-checking.
 * Where discord.js itself needs a field to build its structures, a comment says so.
 */

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
} from 'discord.js';
import type {
  APIApplicationCommandInteractionDataAttachmentOption,
  APIApplicationCommandInteractionDataBasicOption,
  APIAttachment,
  APIInteractionDataResolved,
  APIMessageComponentButtonInteraction,
  APIApplicationCommandInteractionDataStringOption,
  APIChatInputApplicationCommandDMInteraction,
  APIChatInputApplicationCommandGuildInteraction,
  APIChatInputApplicationCommandInteractionData,
  APIDMChannel,
  APIGuildMember,
  APIGuildMemberNoUser,
  APIMessage,
  APITextChannel,
  APIUser,
  ChannelFlags,
  GatewayGuildCreateDispatchData,
  GuildMemberFlags,
  GatewayMessageCreateDispatchData,
} from 'discord.js';
import { BOT_PERMISSIONS, defaultGuild, defaultTextChannel, MEMBER_PERMISSIONS } from './fixture.js';
import type { DiscordFixture, GuildFixture, TextChannelFixture } from './fixture.js';
import { nextSnowflake } from './snowflake.js';

/** Interaction tokens are long opaque strings; the prefix makes them easy to spot in logs. */
function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${nextSnowflake()}${Math.random().toString(36).slice(2, 14)}`;
}

// ---------------------------------------------------------------------------------------------
// Channels and guilds

export function buildTextChannel(guild: GuildFixture, channel: TextChannelFixture, position = 0): APITextChannel {
  return {
    id: channel.id,
    type: ChannelType.GuildText,
    guild_id: guild.id,
    name: channel.name,
    position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

export function buildDmChannel(fixture: DiscordFixture, recipient: APIUser = fixture.user): APIDMChannel {
  return {
    id: fixture.dmChannelId,
    type: ChannelType.DM,
    recipients: [recipient],
    last_message_id: null,
    flags: 0 as ChannelFlags,
    name: null,
  };
}

/**
 * GUILD_CREATE as sent right after READY. discord.js caches the channels, roles and members
 * from it, and counts it against the guild stubs in READY before it emits `clientReady`.
 */
export function buildGuildCreate(guild: GuildFixture): GatewayGuildCreateDispatchData {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: [...guild.roles],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    // Fields only GUILD_CREATE carries:
    joined_at: '2024-01-15T09:00:00.000000+00:00',
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    members: [...guild.members],
    channels: guild.textChannels.map((channel, index) => {
      // Discord leaves guild_id out of the channels inside GUILD_CREATE.
      const { guild_id: _omitted, ...withoutGuildId } = buildTextChannel(guild, channel, index);
      return withoutGuildId;
    }),
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Slash-command interactions

export function stringOption(name: string, value: string): APIApplicationCommandInteractionDataStringOption {
  return { name, type: ApplicationCommandOptionType.String, value };
}

export interface AttachmentFixture {
  readonly filename: string;
  /** The size Discord reports, which may differ from what the url serves (to test a lying or huge file). */
  readonly size: number;
  /** Where the file is downloaded from, e.g. a url from the stand-in's `hostFile`. */
  readonly url: string;
  readonly contentType?: string;
}

/**
 * An attachment option as Discord sends it: the option's value is the attachment's id, and the
 * attachment itself (name, size, url) sits in `data.resolved.attachments`.
 */
export function attachmentOption(
  name: string,
  file: AttachmentFixture,
): { option: APIApplicationCommandInteractionDataAttachmentOption; resolved: APIInteractionDataResolved } {
  const id = nextSnowflake();
  const attachment: APIAttachment = {
    id,
    filename: file.filename,
    size: file.size,
    url: file.url,
    proxy_url: file.url,
    ...(file.contentType ? { content_type: file.contentType } : {}),
    ephemeral: true,
  };
  return { option: { name, type: ApplicationCommandOptionType.Attachment, value: id }, resolved: { attachments: { [id]: attachment } } };
}

export interface ChatInputInteractionOptions {
  /** Default `ask`. */
  readonly commandName?: string;
  readonly options?: readonly APIApplicationCommandInteractionDataBasicOption[];
  readonly commandId?: string;
  /** Who ran the command; default the fixture's user. */
  readonly user?: APIUser;
  readonly locale?: Locale;
  /** Users, attachments and so on that options refer to by id, e.g. from `attachmentOption`. */
  readonly resolved?: APIInteractionDataResolved;
}

export interface GuildChatInputInteractionOptions extends ChatInputInteractionOptions {
  readonly guild?: GuildFixture;
  readonly channel?: TextChannelFixture;
  /** Role ids of the invoking member; default the member's roles in the fixture, else none. */
  readonly roles?: readonly string[];
  /** The invoking member's permissions in the channel, as a decimal bitfield string; default a plain member's. */
  readonly memberPermissions?: string;
  /** The command was registered for this guild rather than globally (sets `data.guild_id`). */
  readonly guildCommand?: boolean;
}

function commandData(options: ChatInputInteractionOptions, guildId?: string): APIChatInputApplicationCommandInteractionData {
  return {
    id: options.commandId ?? nextSnowflake(),
    name: options.commandName ?? 'ask',
    type: ApplicationCommandType.ChatInput,
    ...(options.options ? { options: [...options.options] } : {}),
    ...(options.resolved ? { resolved: options.resolved } : {}),
    ...(guildId ? { guild_id: guildId } : {}),
  };
}

/** The fields every interaction carries, whatever the context. discord.js reads all of them. */
function interactionBase(fixture: DiscordFixture, options: ChatInputInteractionOptions) {
  return {
    id: nextSnowflake(),
    application_id: fixture.application.id,
    type: InteractionType.ApplicationCommand as const,
    token: interactionToken(),
    version: 1 as const,
    locale: options.locale ?? Locale.EnglishUS,
    app_permissions: BOT_PERMISSIONS.toString(),
    // discord.js calls `entitlements.reduce(...)`, so this must be an array even when empty.
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

/** A `/ask` (by default) slash command run by the fixture's user in a guild text channel. */
export function buildGuildChatInputInteraction(
  fixture: DiscordFixture,
  options: GuildChatInputInteractionOptions = {},
): APIChatInputApplicationCommandGuildInteraction {
  const guild = options.guild ?? defaultGuild(fixture);
  const channel = options.channel ?? defaultTextChannel(guild);
  const user = options.user ?? fixture.user;
  const known: APIGuildMember | undefined = guild.members.find((m) => m.user.id === user.id);
  return {
    ...interactionBase(fixture, options),
    data: commandData(options, options.guildCommand ? guild.id : undefined),
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    // discord.js takes Interaction#channelId from `channel.id`, not from `channel_id`.
    channel: buildTextChannel(guild, channel),
    channel_id: channel.id,
    member: {
      user,
      nick: null,
      avatar: null,
      banner: null,
      roles: [...(options.roles ?? known?.roles ?? [])],
      joined_at: known?.joined_at ?? '2024-01-15T09:00:00.000000+00:00',
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      permissions: options.memberPermissions ?? MEMBER_PERMISSIONS.toString(),
    },
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
    context: InteractionContextType.Guild,
  };
}

/** The same command run in the bot's DM: `user` instead of `member`, no guild. */
export function buildDmChatInputInteraction(
  fixture: DiscordFixture,
  options: ChatInputInteractionOptions = {},
): APIChatInputApplicationCommandDMInteraction {
  const user = options.user ?? fixture.user;
  return {
    ...interactionBase(fixture, options),
    data: commandData(options),
    // With Partials.Channel, discord.js builds a DMChannel from this (it needs `recipients`).
    channel: buildDmChannel(fixture, user),
    channel_id: fixture.dmChannelId,
    user,
    // "0" is what Discord sends for a guild-installed app used in its bot DM.
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
    context: InteractionContextType.BotDM,
  };
}

/** `/import file:<attachment>` run in a guild (by default by the fixture's user). */
export function buildGuildImportInteraction(
  fixture: DiscordFixture,
  options: Omit<GuildChatInputInteractionOptions, 'commandName' | 'options' | 'resolved'> & { readonly file: AttachmentFixture },
): APIChatInputApplicationCommandGuildInteraction {
  const { option, resolved } = attachmentOption('file', options.file);
  return buildGuildChatInputInteraction(fixture, { ...options, commandName: 'import', options: [option], resolved });
}

export interface GuildButtonInteractionOptions extends Omit<GuildChatInputInteractionOptions, 'commandName' | 'options' | 'resolved' | 'guildCommand'> {
  readonly customId: string;
  /** The message the button is on, e.g. the bot's reply as the stand-in stored it. */
  readonly message: APIMessage;
}

/** A click on a button in a guild: a message component interaction carrying the button's message. */
export function buildGuildButtonInteraction(fixture: DiscordFixture, options: GuildButtonInteractionOptions): APIMessageComponentButtonInteraction {
  const { customId, message, ...rest } = options;
  const base = buildGuildChatInputInteraction(fixture, rest);
  const { data: _data, ...withoutData } = base;
  return {
    ...withoutData,
    type: InteractionType.MessageComponent,
    data: { custom_id: customId, component_type: ComponentType.Button },
    message,
  } as APIMessageComponentButtonInteraction;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** In guild messages Discord sends members without their `user`, which sits beside them. */
function memberWithoutUser(guild: GuildFixture, user: APIUser): APIGuildMemberNoUser {
  const known = guild.members.find((m) => m.user.id === user.id);
  if (!known) {
    return { roles: [], joined_at: '2024-01-15T09:00:00.000000+00:00', deaf: false, mute: false, flags: 0 as GuildMemberFlags };
  }
  const { user: _user, ...rest } = known;
  return rest;
}

export interface GuildMentionMessageOptions {
  /** The text after the mention. */
  readonly question: string;
  readonly guild?: GuildFixture;
  readonly channel?: TextChannelFixture;
  readonly author?: APIUser;
  /** Use `<@!id>` (nickname mention), which older clients still send. */
  readonly nicknameMention?: boolean;
}

function messageBase(author: APIUser, channelId: string, content: string) {
  return {
    id: nextSnowflake(),
    channel_id: channelId,
    author,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    flags: 0,
    components: [],
  };
}

/**
 * A guild message that @mentions the bot. Without the MessageContent intent Discord still
 * delivers `content` for messages that mention the bot, which is what lets the bot answer.
 */
export function buildGuildMentionMessage(
  fixture: DiscordFixture,
  options: GuildMentionMessageOptions,
): GatewayMessageCreateDispatchData {
  const guild = options.guild ?? defaultGuild(fixture);
  const channel = options.channel ?? defaultTextChannel(guild);
  const author = options.author ?? fixture.user;
  const mention = options.nicknameMention ? `<@!${fixture.bot.id}>` : `<@${fixture.bot.id}>`;
  return {
    ...messageBase(author, channel.id, `${mention} ${options.question}`),
    guild_id: guild.id,
    channel_type: ChannelType.GuildText,
    member: memberWithoutUser(guild, author),
    mentions: [{ ...fixture.bot, member: memberWithoutUser(guild, fixture.bot) }],
  };
}

export interface GuildReplyMessageOptions {
  /** The text of the reply (Discord adds no mention text for the reply's ping). */
  readonly question: string;
  /** The message replied to, e.g. the bot's answer as the stand-in returned it. */
  readonly replyTo: APIMessage;
  /**
   * Whether the reply pings the author of `replyTo` (Discord's default). A ping to the bot lists
   * it in `mentions`, which is what makes Discord deliver `content` without the Message Content
   * intent; with the ping off the content arrives empty, as the bot has no such intent.
   */
  readonly ping?: boolean;
  readonly guild?: GuildFixture;
  readonly author?: APIUser;
}

/** The fields that make a message a reply: its type, the reference, and the message it replies to. */
function replyFields(replyTo: APIMessage, guildId?: string) {
  return {
    type: MessageType.Reply,
    message_reference: { type: 0, message_id: replyTo.id, channel_id: replyTo.channel_id, ...(guildId ? { guild_id: guildId } : {}) },
    referenced_message: replyTo,
  };
}

/** A guild message that replies to another, by default pinging its author. */
export function buildGuildReplyMessage(fixture: DiscordFixture, options: GuildReplyMessageOptions): GatewayMessageCreateDispatchData {
  const guild = options.guild ?? defaultGuild(fixture);
  const author = options.author ?? fixture.user;
  const ping = options.ping ?? true;
  const repliedTo = options.replyTo.author;
  const pingsBot = ping && repliedTo.id === fixture.bot.id;
  return {
    ...messageBase(author, options.replyTo.channel_id, pingsBot ? options.question : ''),
    ...replyFields(options.replyTo, guild.id),
    guild_id: guild.id,
    channel_type: ChannelType.GuildText,
    member: memberWithoutUser(guild, author),
    mentions: ping ? [{ ...repliedTo, member: memberWithoutUser(guild, repliedTo) }] : [],
  };
}

export interface DmMessageOptions {
  readonly content: string;
  readonly author?: APIUser;
  /** Prefix the content with a mention of the bot, as some users do even in DMs. */
  readonly mentionBot?: boolean;
  /** Send it as a reply to this message (pinging its author), e.g. one of the bot's answers. */
  readonly replyTo?: APIMessage;
}

/**
 * A message in the bot's DM channel. discord.js drops it unless it knows the channel: with
 * Partials.Channel it builds a partial DMChannel, but only because `channel_type` says DM.
 */
export function buildDmMessage(fixture: DiscordFixture, options: DmMessageOptions): GatewayMessageCreateDispatchData {
  const author = options.author ?? fixture.user;
  const content = options.mentionBot ? `<@${fixture.bot.id}> ${options.content}` : options.content;
  const mentions = options.mentionBot || options.replyTo?.author.id === fixture.bot.id ? [fixture.bot] : [];
  return {
    ...messageBase(author, fixture.dmChannelId, content),
    ...(options.replyTo ? replyFields(options.replyTo) : {}),
    channel_type: ChannelType.DM,
    mentions,
  };
}
