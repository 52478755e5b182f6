import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { readDiscordConfig } from '../adapters/discord/config.js';
import { inviteUrl } from '../adapters/discord/register.js';
import { EMBED_LIMITS, fitEmbed, questionFromMessage, renderDiscordAnswer, renderDiscordReloadReport } from '../adapters/discord/render.js';
import type { Answer } from '../src/core/index.js';

const size = (embed: APIEmbed): number =>
  (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) +
  (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);

const answer = (overrides: Partial<Answer> = {}): Answer => ({
  question: 'What is *new* at __APO__? @everyone',
  answered: true,
  answer: 'The APO runs *SME* programmes.',
  citations: [
    { id: 'a', title: 'A_title', date: '2020-01-01', source: 'APO News', paragraph: 2, snippet: 'The APO runs *SME* programmes.', highlights: [[13, 18]], score: 1 },
  ],
  message: 'm',
  tookMs: 1,
  snapshotVersion: 1,
  ...overrides,
});

describe('renderDiscordAnswer', () => {
  it('escapes markdown from users and articles, and bolds only the matched words', () => {
    const embed = renderDiscordAnswer(answer());
    expect(embed.title).toBe('Q: What is \\*new\\* at \\_\\_APO\\_\\_? @everyone');
    expect(embed.description).toBe('> The APO runs \\*SME\\* programmes.\n— *A\\_title* (2020-01-01), paragraph 2');
    expect(embed.fields?.[0]?.value).toBe('2020-01-01 · paragraph 2\nThe APO runs **\\*SME\\*** programmes.');
  });

  it('escapes article titles in the citation fields too', () => {
    const embed = renderDiscordAnswer(answer({ citations: [{ ...answer().citations[0]!, title: '[click](https://evil.example) *now*' }] }));
    expect(embed.fields?.[0]?.name).toBe('1. \\[click\\](https://evil.example) \\*now\\*');
  });

  it('says plainly what the knowledge base covers when declining', () => {
    const embed = renderDiscordAnswer(
      answer({
        answered: false,
        answer: null,
        citations: [],
        decline: { reason: 'no-match', unmatchedTerms: ['joke'], nearest: [{ id: 'x', title: 'ROK showcasing SME innovation', date: '2017-06-20', source: 'APO News' }] },
      }),
    );
    expect(embed.description).toBe(
      "I couldn't find an answer to that in the knowledge base. Nothing matched: joke.\n\n**The knowledge base covers:**\n• *ROK showcasing SME innovation* (2017-06-20)",
    );
  });
});

describe('fitEmbed', () => {
  it('trims the longest parts until the embed is within 6,000 characters', () => {
    const fields = [1, 2, 3, 4, 5].map((n) => ({ name: `field ${n}`, value: 'v'.repeat(1024) }));
    const embed = fitEmbed({ title: 't'.repeat(256), description: 'd'.repeat(4096), fields, footer: { text: 'f' } });
    expect(size(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(embed.fields).toHaveLength(5);
    expect(embed.description?.endsWith('…') || embed.fields?.some((f) => f.value.endsWith('…'))).toBe(true);
  });
});

describe('renderDiscordReloadReport', () => {
  it('stays within the description limit however many errors there are', () => {
    const errors = Array.from({ length: 500 }, (_, i) => ({ file: `f${i}.md`, line: 1, message: 'front matter: missing' }));
    const embed = renderDiscordReloadReport({
      applied: false, dryRun: false, before: { articles: 1, passages: 1 }, after: { articles: 1, passages: 1 },
      added: [], changed: [], removed: [], errors, warnings: [], tookMs: 3, snapshotVersion: 1,
    });
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(embed.description).toContain('f0.md:1: front matter: missing');
  });
});

it('takes the bot mention out of a message, keeping the rest', () => {
  expect(questionFromMessage('<@123456789012345678>  who is <@!123456789012345678> KPC?', '123456789012345678')).toBe('who is KPC?');
});

describe('readDiscordConfig', () => {
  const token = 'MTI5MDAwMDAwMDAwMDAwMDAwMQ.abc.def';
  it('is off without DISCORD_TOKEN', () => {
    expect(readDiscordConfig({})).toEqual({ config: undefined, problems: [] });
  });

  it('reads every setting', () => {
    const { config } = readDiscordConfig({
      DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '1290000000000000001', DISCORD_GUILD_ID: '1290000000000001001',
      DISCORD_ADMIN_ROLE_IDS: '1290000000000001003', DISCORD_ADMIN_USER_IDS: '1290000000000000101, 1290000000000000102',
    });
    expect(config).toMatchObject({ applicationId: '1290000000000000001', guildId: '1290000000000001001', apiUrl: undefined });
    expect([...(config?.adminUserIds ?? [])]).toEqual(['1290000000000000101', '1290000000000000102']);
    expect(inviteUrl(config!)).toBe(
      'https://discord.com/oauth2/authorize?client_id=1290000000000000001&scope=bot+applications.commands&permissions=274877991936',
    );
  });

  it('names each bad or missing value', () => {
    expect(readDiscordConfig({ DISCORD_TOKEN: token }).problems).toEqual([
      'DISCORD_APPLICATION_ID is missing (Developer Portal → your app → General Information → Application ID)',
    ]);
    expect(readDiscordConfig({ DISCORD_TOKEN: 'nope', DISCORD_APPLICATION_ID: 'app', DISCORD_API_URL: 'not a url' }).problems).toEqual([
      'DISCORD_TOKEN does not look like a bot token (three parts separated by dots)',
      'DISCORD_APPLICATION_ID must be a Discord id (17 to 20 digits), got "app"',
      'DISCORD_API_URL must be a URL like https://discord.com/api, got "not a url"',
    ]);
    expect(readDiscordConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '1290000000000000001', DISCORD_ADMIN_ROLE_IDS: 'staff' }).problems).toEqual([
      'DISCORD_ADMIN_ROLE_IDS has "staff", which is not a Discord id',
    ]);
  });
});
