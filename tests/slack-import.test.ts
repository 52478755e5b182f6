/**
 * Importing an article from Slack: an admin sends a file in a DM, the real Bolt app downloads it
 * from the Web API stand-in with its token, previews it, and Add writes it and reloads.
 */
import { readdir, readFile, rm, mkdtemp, copyFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import { Assistant } from '../src/assistant.js';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import { FIXTURES, makeKnowledgeDir, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';
import {
  buildAppMentionEvent,
  buildFileShareEvent,
  buildSlashCommand,
  DEFAULT_SIGNING_SECRET,
  postSignedEvent,
  postSignedSlashCommand,
  SLACK_TEST_IDS,
  slackConfigFor,
  startSlackWebApi,
  type RecordedCall,
  type SlackWebApiStandIn,
  type StandInFile,
} from './support/slack/index.js';

const signingSecret = DEFAULT_SIGNING_SECRET;
const ADMIN = 'U0ADMIN001';
const OTHER_ADMIN = 'U0ADMIN002';
const SEED = path.join(FIXTURES, 'seeds', '2017-rok-showcasing-sme-innovation.txt');
const settle = (ms = 200): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let api: SlackWebApiStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;
let assistant: Assistant;
let adapter: SlackAdapter;
let appUrl: string;
let logs: string;

async function start(knowledgeDir = folder.dir): Promise<void> {
  engine = await createEngine({ knowledgeDir });
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ level: 'trace', pretty: false, destination: stream });
  assistant = new Assistant({ engine, logger });
  adapter = createSlackAdapter({ assistant, config: slackConfigFor(api, { adminUserIds: new Set([ADMIN, OTHER_ADMIN]) }), logger });
  await adapter.start();
  appUrl = `http://127.0.0.1:${adapter.address()?.port}`;
}

/** Sends `file` to the bot in a DM from `user`, and returns the bot's reply there. */
async function share(file: StandInFile, user = ADMIN): Promise<RecordedCall> {
  const delivery = await postSignedEvent(appUrl, buildFileShareEvent({ user, files: [file] }), { signingSecret });
  expect(delivery.status).toBe(200);
  return api.waitForCall('chat.postMessage');
}

interface Button {
  action_id: string;
  value: string;
}
const buttons = (post: RecordedCall): Button[] =>
  ((post.body.blocks as { type: string; elements?: Button[] }[]).find((b) => b.type === 'actions')?.elements ?? []).map(({ action_id, value }) => ({ action_id, value }));

/** Clicks a button of the preview, as `user`; returns the response_url POST. */
async function click(button: Button, user = ADMIN) {
  const responseUrl = api.responseUrl();
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'admin', team_id: SLACK_TEST_IDS.teamId },
    api_app_id: SLACK_TEST_IDS.apiAppId,
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1700000000.000300', channel_id: SLACK_TEST_IDS.directMessageChannelId, is_ephemeral: false },
    trigger_id: '1.2.3',
    team: { id: SLACK_TEST_IDS.teamId, domain: SLACK_TEST_IDS.teamDomain },
    channel: { id: SLACK_TEST_IDS.directMessageChannelId, name: 'directmessage' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'apo_import', value: button.value, action_ts: '1700000001.000100', text: { type: 'plain_text', text: 'Add' } }],
  };
  const reply = await postSignedSlashCommand(appUrl, { payload: JSON.stringify(payload) }, { signingSecret });
  expect(reply.status).toBe(200);
  const id = new URL(responseUrl).pathname.split('/').pop();
  return api.waitForResponse((response) => response.id === id);
}

const markdownFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();

beforeEach(async () => {
  logs = '';
  api = await startSlackWebApi();
  // Only the 2018 article: the 2017 seed then imports as a new article.
  folder = await makeKnowledgeDir({}, { shipped: false });
  await copyFile(path.join(SHIPPED_KNOWLEDGE, '2018-09-25-apo-drives-smes-to-adopt-4ir.md'), path.join(folder.dir, '2018-09-25-apo-drives-smes-to-adopt-4ir.md'));
});
afterEach(async () => {
  await adapter?.stop();
  await assistant?.close(2_000);
  await api.close();
  await folder.cleanup();
});

describe('importing an article from Slack', () => {
  it('previews a .txt an admin sends in a DM, downloaded with the bot token, with Add and Cancel', async () => {
    await start();
    const file = api.addFile('rok.txt', await readFile(SEED));
    const post = await share(file);

    expect(post.body.channel).toBe(SLACK_TEST_IDS.directMessageChannelId);
    expect(api.downloads).toEqual([expect.objectContaining({ fileId: file.id, token: api.botToken, status: 200 })]);
    const text = JSON.stringify(post.body.blocks);
    expect(text).toContain('*Title:* ROK showcasing SME innovation');
    expect(text).toContain('*Date:* 2017-06-20');
    expect(text).toMatch(/\*Paragraphs:\* \d+/);
    expect(text).toMatch(/Added: `[\w-]+`/);
    expect(buttons(post).map((b) => b.action_id)).toEqual(['apo_import_add', 'apo_import_cancel']);
    expect(new Set(buttons(post).map((b) => b.value)).size).toBe(1);
    expect(await markdownFiles(folder.dir)).toHaveLength(1);
  });

  it('Add writes the article, reloads, shows the reload report, and the bot answers from it', async () => {
    await start();
    const post = await share(api.addFile('rok.txt', await readFile(SEED)));
    const add = buttons(post).find((b) => b.action_id === 'apo_import_add');
    expect(add).toBeDefined();

    const response = await click(add!);
    expect(response.body).toMatchObject({ replace_original: true });
    expect(String(response.body.text)).toMatch(/added.*Knowledge reloaded: 2 articles/);
    expect(JSON.stringify(response.body.blocks)).toContain('Knowledge reloaded');
    expect(await markdownFiles(folder.dir)).toHaveLength(2);
    expect(logs).toContain('article imported from chat');

    api.reset();
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'Who conducted the 2017 study mission?' }), { signingSecret });
    const answer = await api.waitForCall('chat.postMessage');
    expect(JSON.stringify(answer.body.blocks)).toContain('ROK showcasing SME innovation');
    expect(String(answer.body.text)).toContain('Benjamin Yuan');
  });

  it('Cancel writes nothing, and the preview cannot be added afterwards', async () => {
    await start();
    const post = await share(api.addFile('rok.txt', await readFile(SEED)));
    const [add, cancel] = buttons(post);

    expect((await click(cancel!)).body).toMatchObject({ replace_original: true, text: 'Import cancelled; nothing was written.' });
    expect((await click(add!)).body.text).toMatch(/expired or was already used/);
    expect(await markdownFiles(folder.dir)).toHaveLength(1);
  });

  it('refuses another admin clicking Add: only the admin who sent the file can add it', async () => {
    await start();
    const post = await share(api.addFile('rok.txt', await readFile(SEED)));
    const add = buttons(post).find((b) => b.action_id === 'apo_import_add')!;

    expect((await click(add, OTHER_ADMIN)).body).toMatchObject({ replace_original: false, text: 'Only the admin who sent the file can add it.' });
    expect((await click(add, SLACK_TEST_IDS.humanUserId)).body.text).toMatch(/only knowledge base admins/);
    expect(await markdownFiles(folder.dir)).toHaveLength(1);
    // The sender still can.
    expect(String((await click(add)).body.text)).toMatch(/Knowledge reloaded/);
  });

  it('refuses a non-admin with the usual refusal, without downloading', async () => {
    await start();
    const post = await share(api.addFile('rok.txt', await readFile(SEED)), SLACK_TEST_IDS.humanUserId);
    expect(post.body.text).toBe('Sorry, only knowledge base admins can import articles. See `/apo help` for what you can do.');
    expect(api.downloads).toEqual([]);
    expect(logs).toContain('slack import refused: not an admin');
  });

  it('says the files:read scope may be missing when Slack sends its sign-in page instead of the file', async () => {
    await start();
    const post = await share(api.addFile('page.txt', 'never served', { signInPage: true }));
    expect(post.body.text).toContain('Is the files:read scope granted?');
    expect(post.body.text).toContain('Slack sent a web page instead of the file');
    expect(JSON.stringify(post.body)).not.toContain('apo_import_add');
  });

  it('refuses a .pdf or a file over 1 MiB, naming the limit, without downloading', async () => {
    await start();
    const pdf = await share(api.addFile('report.pdf', '%PDF-1.4', { mimetype: 'application/pdf' }));
    expect(pdf.body.text).toBe('I can only import .txt, .html, .htm, .md files; "report.pdf" is not one.');
    api.reset();
    const big = await share(api.addFile('big.txt', 'x'.repeat(1024 * 1024 + 1)));
    expect(big.body.text).toBe('"big.txt" is 1048577 bytes; the limit is 1048576 bytes (1 MiB).');
    expect(api.downloads).toEqual([]);
  });

  it('stops reading a download past 1 MiB when Slack reported a smaller size', async () => {
    await start();
    const post = await share(api.addFile('liar.txt', 'x'.repeat(2 * 1024 * 1024), { size: 100 }));
    expect(post.body.text).toBe('"liar.txt" is larger than the limit of 1048576 bytes (1 MiB).');
    expect(await markdownFiles(folder.dir)).toHaveLength(1);
  });

  it('escapes the file name and article text in the preview', async () => {
    await start();
    const page = 'Alerts <!channel> for SMEs\n\n20 Jun 2017\n\nThe APO alerted <!here> members to a course on productivity for SMEs in the region.\n';
    const post = await share(api.addFile('<!channel>.txt', page));
    expect(JSON.stringify(post.body)).not.toMatch(/<!channel>|<!here>/);
    expect(JSON.stringify(post.body.blocks)).toContain('&lt;!channel&gt;');
  });

  it('relays the read-only message previewImport gives (works as root too)', async () => {
    await start();
    const message = `The knowledge folder (${folder.dir}) is read-only here, so articles can't be added from chat. Mount it writable, or import on the server with apo-bot import.`;
    vi.spyOn(assistant, 'previewImport').mockResolvedValue({ ok: false, message });
    const post = await share(api.addFile('rok.txt', await readFile(SEED)));
    expect(post.body.text).toBe(message);
  });

  // Root ignores directory permissions, so a chmod 0o555 folder is still writable there: skipped as root.
  it.skipIf(process.getuid?.() === 0)('says so when the knowledge folder is read-only', async () => {
    const readOnly = await mkdtemp(path.join(tmpdir(), 'apo-readonly-'));
    try {
      await copyFile(path.join(folder.dir, '2018-09-25-apo-drives-smes-to-adopt-4ir.md'), path.join(readOnly, 'a.md'));
      await chmod(readOnly, 0o555);
      await start(readOnly);
      const post = await share(api.addFile('rok.txt', await readFile(SEED)));
      expect(post.body.text).toMatch(/is read-only here, so articles can't be added from chat/);
      expect(buttons(post)).toEqual([]);
    } finally {
      await chmod(readOnly, 0o755);
      await rm(readOnly, { recursive: true, force: true });
    }
  });

  it('/apo import explains, privately, to admins; others get the refusal', async () => {
    await start();
    const command = (user: string) => postSignedSlashCommand(appUrl, buildSlashCommand({ text: 'import', user_id: user, response_url: api.responseUrl() }), { signingSecret });
    await command(ADMIN);
    const how = await api.waitForResponse();
    expect(how.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(how.body.text)).toContain('in a direct message');
    api.reset();
    await command(SLACK_TEST_IDS.humanUserId);
    expect((await api.waitForResponse()).body.text).toBe('Sorry, only knowledge base admins can use `/apo import`. See `/apo help` for what you can do.');
    await settle(50);
    expect(api.downloads).toEqual([]);
  });
});
