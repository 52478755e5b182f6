/**
 * Load test of the Slack adapter in HTTP mode: the real Bolt app on 127.0.0.1 with the local
 * Slack stand-in, thousands of signed app_mention events at a fixed concurrency while the
 * knowledge reloads every second. Prints throughput, latency from request to chat.postMessage,
 * errors and lost answers (the targets are 0 and 0).
 *
 *   npm run bench:load [-- --events 2000 --concurrency 50 --reload-every 1000]
 */
import { cp, mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createSlackAdapter } from '../adapters/slack/index.js';
import { Assistant } from '../src/assistant.js';
import { createEngine } from '../src/core/index.js';
import { QuestionLog } from '../src/insight/questionLog.js';
import { createLogger } from '../src/logger.js';
import { projectRoot } from '../src/paths.js';
import { RateLimiter } from '../src/rateLimit.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, slackConfigFor, startSlackWebApi } from '../tests/support/slack/index.js';
import { DEFAULT_RESPONDERS } from '../tests/support/slack/webApiMethods.js';

const QUESTIONS = [
  'Who conducted the 2018 study mission?',
  'Where was the 2017 observational study mission held?',
  'kpc director name',
  'What percentage of enterprises in APO member economies are SMEs?',
  'Tell me a joke',
  'How much does APO membership cost?',
  'Which countries were used as references for benchmarking in the 2018 mission?',
  'gyeonggi centre for creative economy',
];

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    'reload-every': { type: 'string', default: '1000' },
  },
});
const total = Number(values.events);
const concurrency = Number(values.concurrency);
const reloadEveryMs = Number(values['reload-every']);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'apo-load-'));
  const knowledgeDir = path.join(work, 'knowledge');
  await cp(path.join(projectRoot(), 'knowledge'), knowledgeDir, { recursive: true });

  const api = await startSlackWebApi();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let apologies = 0;
  api.respondTo('chat.postMessage', (context) => {
    const thread = String(context.body.thread_ts ?? '');
    const started = sentAt.get(thread);
    if (started !== undefined) {
      latencies.push(performance.now() - started);
      sentAt.delete(thread);
    }
    if (String(context.body.text ?? '').startsWith('Sorry')) apologies += 1;
    return (DEFAULT_RESPONDERS['chat.postMessage'] as NonNullable<(typeof DEFAULT_RESPONDERS)[string]>)(context);
  });

  const logger = createLogger({ level: 'warn', pretty: false });
  const engine = await createEngine({ knowledgeDir, logger });
  const assistant = new Assistant({
    engine,
    logger,
    log: new QuestionLog({ dir: path.join(work, 'data'), keepText: true, maxBytes: 5 * 1024 * 1024, keepFiles: 3 }),
    // Each event comes from its own user, so the per-user limit (on, as in production) never bites.
    limiter: new RateLimiter(10),
  });
  const adapter = createSlackAdapter({
    assistant,
    logger,
    config: slackConfigFor(api),
  });
  await adapter.start();
  const appUrl = `http://127.0.0.1:${adapter.address()?.port}`;

  // Reload every second, alternately adding and removing an article, so every reload swaps.
  let reloads = 0;
  let reloadErrors = 0;
  let present = false;
  const extra = path.join(knowledgeDir, 'load-extra.md');
  let reloading = false;
  const reloader = setInterval(() => {
    // A reload still reading the folder would see the file half written: skip this tick instead.
    if (reloading) return;
    reloading = true;
    present = !present;
    const change = present
      ? writeFile(extra, '---\nid: load-extra\ntitle: Load test article\ndate: 2020-01-01\nsource: Bench\naudience: public\n---\nThe load test article mentions productivity.\n')
      : unlink(extra);
    void change
      .then(() => engine.reload())
      .then((report) => {
        reloads += 1;
        if (!report.applied) reloadErrors += 1;
      })
      .catch(() => {
        reloadErrors += 1;
      })
      .finally(() => {
        reloading = false;
      });
  }, reloadEveryMs);

  let next = 0;
  let httpErrors = 0;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < total) {
      const i = next++;
      const event = buildAppMentionEvent({ text: QUESTIONS[i % QUESTIONS.length] as string, user: `U${String(i).padStart(8, '0')}` });
      sentAt.set(event.event.ts, performance.now());
      try {
        const response = await postSignedEvent(appUrl, event, { signingSecret: DEFAULT_SIGNING_SECRET });
        if (response.status !== 200) httpErrors += 1;
      } catch {
        httpErrors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Answers are posted after the acknowledgement: wait for the last ones (bounded).
  const deadline = performance.now() + 10_000;
  while (latencies.length < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(reloader);

  await adapter.stop();
  await assistant.close(5_000);
  await api.close();
  await rm(work, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  const lost = total - latencies.length;
  const rows: [string, string][] = [
    ['events sent', String(total)],
    ['concurrency', String(concurrency)],
    ['reloads during the run', `${reloads} (every ${reloadEveryMs} ms; ${reloadErrors} not applied)`],
    ['duration', `${elapsedS.toFixed(2)} s`],
    ['throughput', `${(latencies.length / elapsedS).toFixed(0)} answers/s`],
    ['latency p50', `${percentile(sorted, 50).toFixed(1)} ms`],
    ['latency p95', `${percentile(sorted, 95).toFixed(1)} ms`],
    ['latency p99', `${percentile(sorted, 99).toFixed(1)} ms`],
    ['errors', String(httpErrors + apologies)],
    ['lost answers', String(lost)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`Slack HTTP adapter load test (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
  if (httpErrors + apologies > 0 || lost > 0) process.exitCode = 1;
}

await main();
