/**
 * Flood test of the Slack adapter in HTTP mode: the bot runs in its own process
 * (`node bin/apo-bot.js start`, so `npm run build` first) against the local Web API stand-in, and
 * this process sends it many concurrent *unsigned* POSTs with large bodies, plus one signed
 * question in the middle of the flood. Prints the bot's resident memory (VmRSS from
 * /proc/<pid>/status, so Linux only) before, at its peak during, and after the flood, the
 * statuses the flood got, and whether the signed question was answered.
 *
 *   npm run build && npm run bench:flood [-- --requests 600 --megabytes 4]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, startSlackWebApi } from '../tests/support/slack/index.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '600' },
    megabytes: { type: 'string', default: '4' },
  },
});
const total = Number(values.requests);
const bodyBytes = Number(values.megabytes) * 1024 * 1024;
const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kb / 1024;
}

/** One unsigned POST with a large body; resolves with its status, or the socket error when the bot hung up first. */
function unsignedPost(port: number, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/slack/events',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', () => resolve(String(res.statusCode)));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end(body);
  });
}

/** Signs and posts one event from a separate Node process; resolves with the status and the time to it. */
function askSigned(port: number, body: string): Promise<{ status: number | string; ms: number }> {
  const script = `
    import { createHmac } from 'node:crypto';
    const { BODY, TARGET, SECRET } = process.env;
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = 'v0=' + createHmac('sha256', SECRET).update('v0:' + timestamp + ':' + BODY).digest('hex');
    const started = performance.now();
    const response = await fetch(TARGET, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
      body: BODY,
    });
    process.stdout.write(JSON.stringify({ status: response.status, ms: performance.now() - started }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { BODY: body, TARGET: `http://127.0.0.1:${port}/slack/events`, SECRET: DEFAULT_SIGNING_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(out ? (JSON.parse(out) as { status: number; ms: number }) : { status: 'no answer', ms: NaN })));
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'apo-flood-'));
  const api = await startSlackWebApi();
  const bot = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: api.botToken,
      SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
      SLACK_API_URL: api.url,
      PORT: '0',
      HOST: '127.0.0.1',
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exitCode: number | null | undefined;
  bot.on('exit', (code) => (exitCode = code));
  // The port is in the "slack adapter listening" log line; the log is read to the end so the
  // bot never blocks on a full pipe.
  const port = await new Promise<number>((resolve, reject) => {
    let stderr = '';
    bot.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length > 100_000) return;
      stderr += chunk.toString();
      const line = stderr.split('\n').find((text) => text.includes('"msg":"slack adapter listening"'));
      const match = line === undefined ? null : /"port":(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    bot.on('exit', (code) => reject(new Error(`bot exited with ${code}: ${stderr}`)));
  });
  const pid = bot.pid as number;
  await sleep(1000);
  const before = await residentMiB(pid);

  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling && exitCode === undefined) {
      peak = Math.max(peak, await residentMiB(pid).catch(() => 0));
      await sleep(20);
    }
  })();

  const body = Buffer.alloc(bodyBytes, 'x');
  body.write('{"type":"event_callback","pad":"');
  const started = performance.now();
  const flood = Array.from({ length: total }, () => unsignedPost(port, body));

  // The signed question goes out while the flood is being sent, from a process of its own, so
  // the time it takes is the bot's and not this process's, busy sending the flood.
  await sleep(100);
  const asked = performance.now();
  const delivery = await askSigned(port, JSON.stringify(buildAppMentionEvent({ text: 'kpc director name' })));
  const answer = await api.waitForCall('chat.postMessage', undefined, 60_000).then(
    (call) => ({ ok: String(call.body.text).includes('Taiho Kang'), ms: performance.now() - asked }),
    () => ({ ok: false, ms: NaN }),
  );

  const statuses = await Promise.all(flood);
  const floodMs = performance.now() - started;
  await sleep(2000);
  sampling = false;
  await sampler;
  const after = exitCode === undefined ? await residentMiB(pid) : NaN;

  const tally = new Map<string, number>();
  for (const status of statuses) tally.set(status, (tally.get(status) ?? 0) + 1);
  const rows: [string, string][] = [
    ['flood', `${total} concurrent unsigned POSTs of ${values.megabytes} MB`],
    ['flood answered with', [...tally].map(([status, count]) => `${status} × ${count}`).join(', ')],
    ['flood duration', `${(floodMs / 1000).toFixed(2)} s`],
    ['bot RSS before', `${before.toFixed(0)} MiB`],
    ['bot RSS peak during', `${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)} MiB)`],
    ['bot RSS after', Number.isNaN(after) ? `bot exited with ${exitCode}` : `${after.toFixed(0)} MiB`],
    ['signed question', `HTTP ${delivery.status} after ${delivery.ms.toFixed(0)} ms; ${answer.ok ? `answer posted ${answer.ms.toFixed(0)} ms after it was sent` : 'NOT answered'}`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`Slack HTTP adapter flood test (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);

  bot.kill('SIGTERM');
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
  if (!answer.ok || exitCode !== undefined) process.exitCode = 1;
}

await main();
