import { describe, expect, it } from 'vitest';
import { readSlackConfig } from '../adapters/slack/config.js';
import {
  escapeMrkdwn,
  MAX_BLOCKS,
  questionFromMessage,
  renderSlackAnswer,
  renderSlackReloadReport,
  SECTION_TEXT_LIMIT,
} from '../adapters/slack/render.js';
import type { Answer, ReloadReport } from '../src/core/index.js';

const longSentence = `The mission ${'visited many innovation hubs and '.repeat(200)}ended.`;
const answer: Answer = {
  question: 'What did the mission visit?',
  answered: true,
  answer: longSentence,
  citations: [1, 2, 3, 4].map((n) => ({
    id: `a${n}`,
    title: `Article <${n}> & more`,
    date: '2018-09-25',
    source: 'APO News',
    paragraph: n,
    snippet: `The mission visited hubs ${'x'.repeat(4000)}`,
    highlights: [[12, 19]] as const,
    score: 1,
  })),
  message: 'm',
  tookMs: 1,
  snapshotVersion: 1,
};

type Section = { type: string; text?: { text: string }; elements?: { text: string }[] };
const texts = (blocks: unknown[]): string[] =>
  (blocks as Section[]).map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join('') ?? '');

describe('renderSlackAnswer', () => {
  it('keeps every section within Slack limits by trimming, not dropping', () => {
    const message = renderSlackAnswer(answer);
    for (const text of texts(message.blocks)) expect(text.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(texts(message.blocks)[0]).toMatch(/^>The mission visited many innovation hubs.*…$/);
    expect(message.text.length).toBeLessThanOrEqual(3000);
    // Three citations at most, each with its title escaped and its matched words in bold.
    const citations = texts(message.blocks).filter((t) => /^\*\d\. /.test(t));
    expect(citations).toHaveLength(3);
    expect(citations[0]).toMatch(/^\*1\. Article &lt;1&gt; &amp; more\* · 2018-09-25 · paragraph 1\nThe mission \*visited\* hubs/);
  });
});

describe('renderSlackAnswer for follow-ups and alternatives', () => {
  const short: Answer = { ...answer, answer: 'The mission went to Seoul.', citations: answer.citations.slice(0, 1) };
  const alternative = (n: number, sentence = `Mission ${n} went to Busan.`) => ({
    answer: sentence,
    citation: { ...answer.citations[0]!, id: `alt${n}`, title: `Other <${n}> & co`, date: '2017-06-20', paragraph: n },
  });

  it('says how a follow-up was read, escaped, before the quote', () => {
    const message = renderSlackAnswer({ ...short, context: { kind: 'follow-up', reading: 'Reading “it” as: <!here> mission 2017', carried: ['mission', '2017'] } });
    expect(texts(message.blocks)[0]).toBe('_Reading “it” as: &lt;!here&gt; mission 2017_');
    expect(texts(message.blocks)[1]).toBe('>The mission went to Seoul.');
  });

  it('says how a follow-up was read when it is declined too', () => {
    const message = renderSlackAnswer({ ...short, answered: false, answer: null, citations: [], context: { kind: 'more', reading: 'Reading “more” as: the next paragraph', carried: [] } });
    expect(texts(message.blocks)[0]).toBe('_Reading “more” as: the next paragraph_');
  });

  it('says nothing of context when none was used', () => {
    expect(texts(renderSlackAnswer(short).blocks).join('\n')).not.toContain('Reading');
  });

  it('shows each alternative labelled by its article and date, below the quote and before the sources, escaped', () => {
    const message = renderSlackAnswer({ ...short, alternatives: [alternative(1), alternative(2, 'Tell <!channel> it went to Jeju.')] }, 'q1');
    const all = texts(message.blocks);
    expect(all.slice(0, 4)).toEqual([
      '>The mission went to Seoul.',
      'From *Article &lt;1&gt; &amp; more* (2018-09-25), paragraph 1',
      '*Also from Other &lt;1&gt; &amp; co* (2017-06-20), paragraph 1:\n>Mission 1 went to Busan.',
      '*Also from Other &lt;2&gt; &amp; co* (2017-06-20), paragraph 2:\n>Tell &lt;!channel&gt; it went to Jeju.',
    ]);
    expect(message.blocks[4]?.type).toBe('divider');
    expect(all[5]).toMatch(/^\*1\. Article/);
  });

  it('keeps many long alternatives within Block Kit limits and says how many were left out', () => {
    const many = Array.from({ length: 80 }, (_, i) => alternative(i + 1, longSentence));
    const message = renderSlackAnswer({ ...answer, alternatives: many, context: { kind: 'follow-up', reading: 'Reading “it” as: mission', carried: [] } }, 'q1');
    expect(message.blocks.length).toBe(MAX_BLOCKS);
    for (const text of texts(message.blocks)) expect(text.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    const shown = texts(message.blocks).filter((t) => t.startsWith('*Also from')).length;
    expect(texts(message.blocks)).toContain(`…and ${80 - shown} more articles that fit the question`);
    expect(message.blocks.at(-1)?.type).toBe('actions');
    expect(texts(message.blocks).filter((t) => /^\*\d\. /.test(t))).toHaveLength(3);
  });
});

describe('renderSlackAnswer escaping', () => {
  /** Every string anywhere in the message: the notification text, every block, every element. */
  const strings = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(strings) : [];
  const raw = /<[!@#]|<https?:|<mailto:/;

  it('escapes article text in every field, the notification text included', () => {
    const message = renderSlackAnswer({
      ...answer,
      answer: 'Tell <!channel> and <@U123> about <https://evil.example|this>.',
      citations: answer.citations.map((c) => ({ ...c, title: 'Alerts <!here>', snippet: 'Tell <!channel> now' })),
    });
    for (const text of strings(message)) expect(text).not.toMatch(raw);
    expect(message.text).toBe('“Tell &lt;!channel&gt; and &lt;@U123&gt; about &lt;https://evil.example|this&gt;.” — Alerts &lt;!here&gt; (2018-09-25), paragraph 1');
  });

  it('escapes the notification text of a decline', () => {
    const message = renderSlackAnswer({ ...answer, answered: false, answer: null, citations: [], message: 'Nothing about <!channel>' });
    for (const text of strings(message)) expect(text).not.toMatch(raw);
    expect(message.text).toBe('Nothing about &lt;!channel&gt;');
  });
});

describe('renderSlackReloadReport', () => {
  const report = (errors: number): ReloadReport => ({
    applied: false,
    dryRun: false,
    before: { articles: 2, passages: 16 },
    after: { articles: 2, passages: 16 },
    added: [],
    changed: [],
    removed: [],
    errors: Array.from({ length: errors }, (_, i) => ({ file: `bad-${i}.md`, line: 2, message: `front matter: "id" is missing ${'!'.repeat(100)}` })),
    warnings: [],
    tookMs: 5,
    snapshotVersion: 1,
  });

  it('lists every error with its file when they fit', () => {
    const text = texts(renderSlackReloadReport(report(3)).blocks).join('\n');
    expect(text).toContain('bad-0.md:2: front matter: "id" is missing');
    expect(text).toContain('bad-2.md:2');
  });

  it('splits a long error list over sections and says how many were left out past the block limit', () => {
    const message = renderSlackReloadReport(report(5000));
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const text of texts(message.blocks)) expect(text.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    const last = texts(message.blocks).at(-1) ?? '';
    const shown = texts(message.blocks).join('\n').split('\n').filter((line) => line.startsWith('• ')).length;
    expect(last).toBe(`…and ${5000 - shown} more (run \`apo-bot check\` for the full list)`);
  });
});

describe('escapeMrkdwn and questionFromMessage', () => {
  it('escapes the characters that make mentions and links', () => {
    expect(escapeMrkdwn('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });

  it('takes the bot mention out and keeps the labels of links and references', () => {
    expect(questionFromMessage('<@U0BOT> who is <@U0ALICE|alice> in <#C123|general>? see <https://apo.org|the site> &amp; more', 'U0BOT')).toBe(
      'who is alice in #general? see the site & more',
    );
  });
});

describe('readSlackConfig', () => {
  it('is off without SLACK_BOT_TOKEN', () => {
    expect(readSlackConfig({})).toEqual({ config: undefined, problems: [] });
  });

  it('chooses Socket Mode with an app token, HTTP mode with a signing secret', () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).config?.mode).toBe('socket');
    const http = readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '8080', SLACK_ADMIN_USER_IDS: 'U1, U2', SLACK_CHANNELS: 'C1' });
    expect(http.config).toMatchObject({ mode: 'http', port: 8080, host: '0.0.0.0', privateReplies: false, threadFollowUps: true });
    expect([...(http.config?.adminUserIds ?? [])]).toEqual(['U1', 'U2']);
    expect([...(http.config?.channels ?? [])]).toEqual(['C1']);
  });

  it('turns thread follow-ups off with SLACK_THREAD_FOLLOWUPS=false, and names a bad value', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(readSlackConfig({ ...base, SLACK_THREAD_FOLLOWUPS: 'false' }).config?.threadFollowUps).toBe(false);
    expect(readSlackConfig({ ...base, SLACK_THREAD_FOLLOWUPS: 'true' }).config?.threadFollowUps).toBe(true);
    expect(readSlackConfig({ ...base, SLACK_THREAD_FOLLOWUPS: 'no' }).problems).toEqual(['SLACK_THREAD_FOLLOWUPS must be true or false, got "no"']);
  });

  it('names every bad or missing value', () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_APP_TOKEN: 'oops', PORT: 'eighty' }).problems).toEqual([
      'SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"',
      'SLACK_APP_TOKEN must be an app-level token starting with "xapp-"',
      'PORT must be a number, got "eighty"',
    ]);
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }).problems).toEqual([
      'HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'socket', SLACK_SIGNING_SECRET: 's' }).problems).toEqual([
      'Socket Mode needs SLACK_APP_TOKEN (an xapp- token)',
    ]);
    expect(readSlackConfig({ SLACK_SIGNING_SECRET: 's' }).problems).toEqual(['SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not']);
  });
});

describe('the Slack app manifest', () => {
  it('subscribes to exactly the events and command the adapter handles, with the scopes they need', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const { SLASH_COMMAND } = await import('../adapters/slack/listeners/slashCommand.js');
    const manifest = parse(readFileSync(new URL('../adapters/slack/manifest.yml', import.meta.url), 'utf8'));
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention', 'message.im', 'message.channels', 'message.groups']);
    expect(manifest.oauth_config.scopes.bot).toEqual(['app_mentions:read', 'chat:write', 'commands', 'files:read', 'im:history', 'channels:history', 'groups:history']);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});

describe('renderSlackAnswer for the first hour', () => {
  const citation = (overrides: Partial<Answer['citations'][number]> = {}): Answer['citations'][number] => ({
    id: 'a1',
    title: 'Missions <&> more',
    date: '2018-09-25',
    source: 'APO News',
    paragraph: 6,
    snippet: 'The mission went to Seoul. It visited the KPC.',
    highlights: [[4, 11], [42, 45]],
    score: 1,
    ...overrides,
  });
  const quoted = (citations: Answer['citations']): Answer => ({ ...answer, answer: 'The mission went to Seoul.', citations });
  const declined = (decline: NonNullable<Answer['decline']>): Answer => ({ ...answer, answered: false, answer: null, citations: [], decline, message: 'declined' });
  const nearest = [{ id: 'x', title: 'ROK showcasing <SME> innovation', date: '2017-06-20', source: 'APO News', url: 'https://apo.example/rok?a=1&b=2' }];

  it("links an article's title to its url, escaped, wherever the title is shown", () => {
    const url = 'https://apo.example/news/2018?x=1&y=<2>|3';
    const message = renderSlackAnswer(quoted([citation({ url })]), 'q1');
    const link = '<https://apo.example/news/2018?x=1&amp;y=%3C2%3E%7C3|Missions &lt;&amp;&gt; more>';
    expect(texts(message.blocks)[1]).toBe(`From *${link}* (2018-09-25), paragraph 6`);
    expect(texts(message.blocks).find((t) => t.startsWith('*1. '))).toMatch(new RegExp(`^\\*1\\. ${link.replace(/[|?*.()[\]\\^$+]/g, '\\$&')}\\* · 2018-09-25`));
  });

  it('renders a title without a url (or with an address that is not http) as before', () => {
    for (const url of [undefined, 'javascript:alert(1)', 'not a url']) {
      const message = renderSlackAnswer(quoted([citation(url === undefined ? {} : { url })]));
      expect(texts(message.blocks)[1]).toBe('From *Missions &lt;&amp;&gt; more* (2018-09-25), paragraph 6');
    }
  });

  it('shows the quote once: the first source shows what surrounds it, with its matched words in bold', () => {
    const all = texts(renderSlackAnswer(quoted([citation()])).blocks);
    expect(all.join('\n').split('The mission went to Seoul.')).toHaveLength(2);
    expect(all.find((t) => t.startsWith('*1. '))).toBe('*1. Missions &lt;&amp;&gt; more* · 2018-09-25 · paragraph 6\n… It visited the *KPC*.');
  });

  it('shows only the reference line of a first source that holds nothing but the quote', () => {
    const all = texts(renderSlackAnswer(quoted([citation({ snippet: 'The mission went to Seoul.', highlights: [[4, 11]] })])).blocks);
    expect(all.find((t) => t.startsWith('*1. '))).toBe('*1. Missions &lt;&amp;&gt; more* · 2018-09-25 · paragraph 6');
  });

  it('puts vote buttons under a decline that can be wrong, and none under a greeting', () => {
    const message = renderSlackAnswer(declined({ reason: 'no-match', unmatchedTerms: ['joke'], nearest }), 'q1');
    const actions = message.blocks.at(-1) as { type: string; elements: { action_id: string; value: string; text: { text: string } }[] };
    expect(actions.type).toBe('actions');
    expect(actions.elements.map((e) => [e.action_id, e.value, e.text.text])).toEqual([
      ['apo_vote_should_answer', 'q1', ':thumbsdown: This should have been answered'],
      ['apo_vote_right_decline', 'q1', ":thumbsup: Right, it isn't covered"],
    ]);
    const greeting = renderSlackAnswer(declined({ reason: 'greeting', unmatchedTerms: [], nearest }), 'q1');
    expect(greeting.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('lists questions to try, escaped, and links the nearest articles', () => {
    const message = renderSlackAnswer(declined({ reason: 'weak-match', unmatchedTerms: [], nearest, suggestions: ['Who ran the <!channel> mission?', 'Where was the 2017 mission?'] }));
    const all = texts(message.blocks);
    expect(all).toContain('The knowledge base covers:\n• *<https://apo.example/rok?a=1&amp;b=2|ROK showcasing &lt;SME&gt; innovation>* (2017-06-20)');
    expect(all).toContain('Try:\n• Who ran the &lt;!channel&gt; mission?\n• Where was the 2017 mission?');
  });

  it('lists no nearest articles for a greeting, a question not in English, or "tell me more" at the end', () => {
    for (const reason of ['greeting', 'not-english', 'nothing-more'] as const) {
      const all = texts(renderSlackAnswer(declined({ reason, unmatchedTerms: [], nearest })).blocks).join('\n');
      expect(all).not.toContain('The knowledge base covers');
      expect(all).not.toContain('• *');
    }
  });
});
