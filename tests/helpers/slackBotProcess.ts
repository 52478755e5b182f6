import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIGNING_SECRET, type SlackWebApiStandIn } from '../support/slack/index.js';

export const BIN = fileURLToPath(new URL('../../bin/apo-bot.js', import.meta.url));

/** The environment that runs the Slack adapter in HTTP mode against the stand-in, all on 127.0.0.1. */
export const slackEnv = (stand: SlackWebApiStandIn, dataDir: string): Record<string, string> => ({
  SLACK_BOT_TOKEN: stand.botToken,
  SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
  SLACK_API_URL: stand.url,
  PORT: '0',
  HOST: '127.0.0.1',
  HEALTH_PORT: '0',
  HEALTH_HOST: '127.0.0.1',
  DATA_DIR: dataDir,
});

export interface BotProcess {
  readonly proc: ChildProcess;
  /** Resolves once the bot logs that it runs. */
  readonly running: Promise<void>;
  readonly exited: Promise<number | null>;
  readonly lines: Record<string, unknown>[];
  /** Where Slack's events go: `http://127.0.0.1:<port>`, once running. */
  slackUrl(): string;
  /** Where /healthz and /readyz answer, once running. */
  healthUrl(): string;
}

/** Starts `apo-bot start` (dist/, so build first) with JSON logs, and reads them as they come. */
export function startBotProcess(env: Record<string, string>): BotProcess {
  const proc = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  const running = new Promise<void>((resolve, reject) => {
    proc.stderr?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const text of complete) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'apo-bot running') resolve();
      }
    });
    proc.on('exit', (code) => reject(new Error(`apo-bot exited with ${code} before running: ${JSON.stringify(lines.slice(-5))}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const find = (msg: string) => lines.find((line) => line.msg === msg);
  return {
    proc,
    running,
    exited,
    lines,
    slackUrl: () => `http://127.0.0.1:${(find('slack adapter listening')?.address as { port: number }).port}`,
    healthUrl: () => `http://127.0.0.1:${find('health endpoint listening')?.port as number}`,
  };
}
