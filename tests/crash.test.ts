/**
 * The question log when the process dies without warning: `apo-bot start` answering signed Slack
 * events from the stand-in, killed with SIGKILL in the middle of a burst.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readQuestionLog, type QuestionEntry } from '../src/insight/questionLog.js';
import { startBotProcess, slackEnv, type BotProcess } from './helpers/slackBotProcess.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, startSlackWebApi, type SlackWebApiStandIn } from './support/slack/index.js';

let dataDir: string;
let api: SlackWebApiStandIn | undefined;
let bot: BotProcess | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-crash-'));
});
afterEach(async () => {
  bot?.proc.kill('SIGKILL');
  await api?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('apo-bot start killed with SIGKILL under load', () => {
  it('has logged every question it answered more than half a second before the kill', async () => {
    api = await startSlackWebApi();
    bot = startBotProcess(slackEnv(api, dataDir));
    await bot.running;
    const url = bot.slackUrl();

    const questionOf = new Map<string, string>();
    let sending = true;
    let sent = 0;
    const sender = async (): Promise<void> => {
      while (sending) {
        const question = `Who conducted the 2018 study mission? (${sent++})`;
        const event = buildAppMentionEvent({ text: question, user: `U${String(sent).padStart(8, '0')}` });
        questionOf.set(event.event.ts, question);
        // Each sender waits for its answer before the next question: load, without a backlog.
        const answered = api?.waitForCall('chat.postMessage', (call) => call.body.thread_ts === event.event.ts, 3_000);
        await postSignedEvent(url, event, { signingSecret: DEFAULT_SIGNING_SECRET }).catch(() => undefined);
        await answered?.catch(() => undefined);
      }
    };
    const senders = Array.from({ length: 20 }, sender);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const killedAt = Date.now();
    bot.proc.kill('SIGKILL');
    await bot.exited;
    sending = false;
    await Promise.all(senders);

    const answeredEarly = api.calls
      .filter((call) => call.method === 'chat.postMessage' && call.receivedAt.getTime() < killedAt - 500)
      .map((call) => questionOf.get(String(call.body.thread_ts)));
    expect(answeredEarly.length).toBeGreaterThan(10);
    const logged = new Set(((await readQuestionLog(dataDir)) as QuestionEntry[]).map((entry) => entry.question));
    const missing = answeredEarly.filter((question) => !logged.has(question));
    expect({ answered: answeredEarly.length, missing: missing.length }).toEqual({ answered: answeredEarly.length, missing: 0 });
  }, 30_000);
});
