import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { readDiscordConfig } from '../adapters/discord/config.js';
import { inviteUrl } from '../adapters/discord/register.js';
import { AnswerThreads, conversationFor } from '../adapters/discord/conversations.js';
import { EMBED_LIMITS, fitEmbed, questionFromMessage, renderDiscordAnswer, renderDiscordReloadReport, replyComponents, VOTE_ID } from '../adapters/discord/render.js';
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
    expect(embed.fields?.[0]?.value).toBe('2020-01-01 · paragraph 2');
    const withContext = renderDiscordAnswer(
      answer({ citations: [{ ...answer().citations[0]!, snippet: 'The APO runs *SME* programmes. It runs *SME* courses.', highlights: [[13, 18], [39, 44]] }] }),
    );
    expect(withContext.fields?.[0]?.value).toBe('2020-01-01 · paragraph 2\n… It runs **\\*SME\\*** courses.');
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

describe('renderDiscordAnswer with conversation context and alternatives', () => {
  const alternative = (title: string, sentence: string, n: number) => ({
    answer: sentence,
    citation: { ...answer().citations[0]!, id: `alt-${n}`, title, date: `2019-0${n}-01`, paragraph: n },
  });

  it('says first how a follow-up was read, escaped', () => {
    const embed = renderDiscordAnswer(answer({ context: { kind: 'follow-up', reading: 'Reading “it” as: *mission* 2017', carried: ['mission', '2017'] } }));
    expect(embed.description).toBe('*Reading “it” as: \\*mission\\* 2017*\n> The APO runs \\*SME\\* programmes.\n— *A\\_title* (2020-01-01), paragraph 2');
    const declined = renderDiscordAnswer(
      answer({ answered: false, answer: null, citations: [], context: { kind: 'more', reading: 'Going on with “A”', carried: [] } }),
    );
    expect(declined.description).toMatch(/^\*Going on with “A”\*\n/);
  });

  it('says nothing of context when the question stood alone', () => {
    expect(renderDiscordAnswer(answer()).description).toMatch(/^> /);
  });

  it('shows each alternative sentence labelled by its article title and date, escaped, before the citations', () => {
    const embed = renderDiscordAnswer(answer({ alternatives: [alternative('B_title [x](y)', 'KPC *also* runs them.', 3)] }));
    expect(embed.fields?.[0]).toEqual({ name: 'Also, in B\\_title \\[x\\](y) (2019-03-01)', value: '> KPC \\*also\\* runs them.\n— paragraph 3' });
    expect(embed.fields?.[1]?.name).toBe('1. A\\_title');
  });

  it('keeps long alternatives within the field and embed limits', () => {
    const long = 'word '.repeat(2000);
    const embed = renderDiscordAnswer(
      answer({
        answer: long,
        context: { kind: 'follow-up', reading: `Reading “it” as: ${'x'.repeat(5000)}`, carried: [] },
        alternatives: [1, 2, 3, 4, 5].map((n) => alternative('t'.repeat(400), long, n)),
      }),
    );
    expect(embed.fields?.filter((f) => f.name.startsWith('Also, in'))).toHaveLength(3);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    }
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(size(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  });
});

describe('conversationFor', () => {
  const message = (overrides: Partial<Parameters<typeof conversationFor>[0]> = {}) => ({ id: 'm1', channelId: 'c1', inDm: false, repliesTo: undefined, ...overrides });

  it('starts a reply chain for a guild message, and continues it in a reply to the answer', () => {
    const threads = new AnswerThreads();
    expect(conversationFor(message(), threads)).toEqual({ conversation: { id: 'm1', kind: 'thread' }, chain: 'm1' });
    threads.remember('answer1', 'm1');
    expect(conversationFor(message({ id: 'm2', repliesTo: 'answer1' }), threads)).toEqual({ conversation: { id: 'm1', kind: 'thread' }, chain: 'm1' });
    expect(conversationFor(message({ id: 'm3', repliesTo: 'someone-else' }), threads).conversation).toEqual({ id: 'm3', kind: 'thread' });
  });

  it("reads a DM in the DM's recent exchange, and a DM reply in its answer's chain", () => {
    const threads = new AnswerThreads();
    expect(conversationFor(message({ inDm: true }), threads)).toEqual({ conversation: { id: 'c1', kind: 'recent' }, alsoIn: { id: 'm1', kind: 'thread' }, chain: 'm1' });
    threads.remember('answer1', 'm1');
    expect(conversationFor(message({ id: 'm2', inDm: true, repliesTo: 'answer1' }), threads)).toEqual({
      conversation: { id: 'm1', kind: 'thread' },
      alsoIn: { id: 'c1', kind: 'recent' },
      chain: 'm1',
    });
  });

  it('forgets the oldest answers past its cap', () => {
    const threads = new AnswerThreads(2);
    threads.remember('a1', 'm1');
    threads.remember('a2', 'm2');
    threads.remember('a3', 'm3');
    expect(threads.size).toBe(2);
    expect(threads.conversationOf('a1')).toBeUndefined();
    expect(threads.conversationOf('a3')).toBe('m3');
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

describe('renderDiscordAnswer for the first hour', () => {
  const nearest = [{ id: 'x', title: 'ROK *showcasing*', date: '2017-06-20', source: 'APO News', url: 'https://apo.example/rok_(2017)?a=1' }];
  const declined = (decline: NonNullable<Answer['decline']>): Answer => answer({ answered: false, answer: null, citations: [], decline });

  it("links an article's title to its url in the description and on its citation's reference line", () => {
    const embed = renderDiscordAnswer(answer({ citations: [{ ...answer().citations[0]!, url: 'https://apo.example/a b_(1)' }] }));
    expect(embed.description).toBe('> The APO runs \\*SME\\* programmes.\n— *[A\\_title](https://apo.example/a%20b_%281%29)* (2020-01-01), paragraph 2');
    expect(embed.fields?.[0]?.value).toBe('2020-01-01 · [paragraph 2](https://apo.example/a%20b_%281%29)');
  });

  it('renders titles without a url, or with an address that is not http, as before', () => {
    for (const url of [undefined, 'javascript:alert(1)']) {
      const embed = renderDiscordAnswer(answer({ citations: [{ ...answer().citations[0]!, ...(url ? { url } : {}) }] }));
      expect(embed.description).toBe('> The APO runs \\*SME\\* programmes.\n— *A\\_title* (2020-01-01), paragraph 2');
    }
  });

  it('lists questions to try, escaped, below the linked nearest articles', () => {
    const embed = renderDiscordAnswer(declined({ reason: 'weak-match', unmatchedTerms: [], nearest, suggestions: ['Who ran the *2018* mission?', 'Where was it?'] }));
    expect(embed.description).toBe(
      "I couldn't find an answer to that in the knowledge base.\n\n**The knowledge base covers:**\n• *[ROK \\*showcasing\\*](https://apo.example/rok_%282017%29?a=1)* (2017-06-20)" +
        '\n\n**Try:**\n• Who ran the \\*2018\\* mission?\n• Where was it?',
    );
  });

  it('lists no nearest articles for a greeting, a question not in English, or "tell me more" at the end', () => {
    for (const reason of ['greeting', 'not-english', 'nothing-more'] as const) {
      expect(renderDiscordAnswer(declined({ reason, unmatchedTerms: [], nearest })).description).not.toContain('The knowledge base covers');
    }
  });

  it('puts vote buttons under an answer and under a decline that can be wrong, none under a greeting', () => {
    const ids = (a: Answer) => replyComponents(a, 'q1').flatMap((row) => row.components.map((c) => ('custom_id' in c ? c.custom_id : '')));
    expect(ids(answer())).toEqual(['vote:helpful:q1', 'vote:not_helpful:q1']);
    const decline = replyComponents(declined({ reason: 'no-match', unmatchedTerms: [], nearest }), 'q1');
    expect(decline[0]?.components.map((c) => ('label' in c ? c.label : ''))).toEqual(['This should have been answered', "Right, it isn't covered"]);
    expect(ids(declined({ reason: 'no-match', unmatchedTerms: [], nearest }))).toEqual(['vote:should_answer:q1', 'vote:right_decline:q1']);
    for (const id of ids(declined({ reason: 'no-match', unmatchedTerms: [], nearest }))) expect(VOTE_ID.test(id)).toBe(true);
    expect(ids(declined({ reason: 'greeting', unmatchedTerms: [], nearest }))).toEqual([]);
  });
});
