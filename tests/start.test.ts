/**
 * `apo-bot start` (what `npm start` and the Docker image run) as a real process, configured from
 * its environment the way a deployment is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, startSlackWebApi, type SlackWebApiStandIn } from './support/slack/index.js';

const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));

let child: ChildProcess | undefined;
let api: SlackWebApiStandIn | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await api?.close();
  child = undefined;
  api = undefined;
});

/** Starts the bot and resolves with its parsed log lines once one matches. */
function startBot(env: Record<string, string>, until: (line: Record<string, unknown>) => boolean) {
  const proc = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child = proc;
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const text of stderr.split('\n').slice(lines.length, -1)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (until(line)) resolve(line);
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, ready, exited, lines, stderr: () => stderr };
}

describe('apo-bot start with Slack configured', () => {
  it('serves Slack in HTTP mode, answers, and exits 0 on SIGTERM without logging secrets', async () => {
    api = await startSlackWebApi();
    const bot = startBot(
      {
        SLACK_BOT_TOKEN: api.botToken,
        SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
        SLACK_API_URL: api.url,
        PORT: '0',
        HOST: '127.0.0.1',
      },
      (line) => line.msg === 'slack adapter listening',
    );
    const listening = await bot.ready;
    const { port } = listening.address as { port: number };
    const base = `http://127.0.0.1:${port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await postSignedEvent(base, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret: DEFAULT_SIGNING_SECRET });
    expect(String((await api.waitForCall('chat.postMessage')).body.text)).toContain('Taiho Kang');

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).not.toContain(api.botToken);
    expect(bot.stderr()).not.toContain(DEFAULT_SIGNING_SECRET);
  });

  it('refuses to start with a clear message per bad value', async () => {
    const proc = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'not-a-token', LOG_LEVEL: 'chatty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => proc.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('LOG_LEVEL must be one of');
    expect(stderr).toContain('SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"');
  });
});
