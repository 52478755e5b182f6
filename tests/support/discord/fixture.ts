/**
 * The small Discord "world" the stand-in serves: one application with its bot user, one
 * person who asks questions, one guild with a text channel, and the bot's DM channel with
 * that person. Ids are fixed so tests and failure messages stay readable.
 */

import { PermissionFlagsBits } from 'discord.js';
import type { APIGuildMember, APIRole, APIUser, GuildMemberFlags, RoleFlags, UserFlags } from 'discord.js';

export interface TextChannelFixture {
  readonly id: string;
  readonly name: string;
}

export interface GuildFixture {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly textChannels: readonly TextChannelFixture[];
  /** Includes the @everyone role, whose id is the guild id as on Discord. */
  readonly roles: readonly APIRole[];
  /** Members sent in GUILD_CREATE, so discord.js has them cached; the bot must be one of them. */
  readonly members: readonly APIGuildMember[];
}

export interface DiscordFixture {
  /** The bot token the stand-in accepts, without the `Bot ` prefix. */
  readonly token: string;
  readonly application: { readonly id: string; readonly name: string; readonly flags: number };
  readonly bot: APIUser;
  /** The person talking to the bot in the guild and in DMs. */
  readonly user: APIUser;
  readonly guilds: readonly GuildFixture[];
  /** The DM channel between the bot and `user`. */
  readonly dmChannelId: string;
}

export const FIXTURE_IDS = {
  application: '1290000000000000001',
  user: '1290000000000000101',
  guild: '1290000000000001001',
  generalChannel: '1290000000000001002',
  staffRole: '1290000000000001003',
  dmChannel: '1290000000000002001',
} as const;

/** Clearly fake, but shaped like a real token (three dot-separated base64url parts). */
export const FIXTURE_TOKEN = 'MTI5MDAwMDAwMDAwMDAwMDAwMQ.stand-in.not-a-real-token-0000000000000';

const JOINED_AT = '2024-01-15T09:00:00.000000+00:00';

function role(id: string, name: string, position: number, permissions: bigint): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

function member(user: APIUser, roles: string[]): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: JOINED_AT,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
  };
}

/** The permissions the bot's role grants: enough to read, answer and embed links. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

/** What @everyone may do in the fixture guild, and so what a plain member may do. */
export const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

export function createFixture(overrides: Partial<DiscordFixture> = {}): DiscordFixture {
  const bot: APIUser = {
    id: FIXTURE_IDS.application,
    username: 'apo-bot',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    flags: 0 as UserFlags,
  };
  const user: APIUser = {
    id: FIXTURE_IDS.user,
    username: 'sme.asker',
    discriminator: '0',
    global_name: 'SME Asker',
    avatar: null,
  };
  const guild: GuildFixture = {
    id: FIXTURE_IDS.guild,
    name: 'APO Stand-in Guild',
    ownerId: user.id,
    textChannels: [{ id: FIXTURE_IDS.generalChannel, name: 'general' }],
    roles: [
      role(FIXTURE_IDS.guild, '@everyone', 0, MEMBER_PERMISSIONS),
      role(FIXTURE_IDS.staffRole, 'APO Staff', 1, MEMBER_PERMISSIONS | BOT_PERMISSIONS),
    ],
    members: [member(bot, [FIXTURE_IDS.staffRole]), member(user, [])],
  };
  return {
    token: FIXTURE_TOKEN,
    application: { id: FIXTURE_IDS.application, name: 'apo-bot', flags: 0 },
    bot,
    user,
    guilds: [guild],
    dmChannelId: FIXTURE_IDS.dmChannel,
    ...overrides,
  };
}

/** The guild a builder uses when the test does not name one. */
export function defaultGuild(fixture: DiscordFixture): GuildFixture {
  const guild = fixture.guilds[0];
  if (!guild) throw new Error('The Discord fixture has no guild');
  return guild;
}

export function defaultTextChannel(guild: GuildFixture): TextChannelFixture {
  const channel = guild.textChannels[0];
  if (!channel) throw new Error(`Guild ${guild.id} in the Discord fixture has no text channel`);
  return channel;
}
