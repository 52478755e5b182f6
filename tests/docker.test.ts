/**
 * Docker can't run here, so the Dockerfile is checked by reading it: the command it runs is the one
 * the process tests run, and its health check command really passes against a healthy bot and
 * fails against an unhealthy one.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startHealthServer } from '../src/health.js';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
/** The exec-form (JSON array) command of an instruction, continuation lines joined. */
const execJsonForm = (instruction: string): string[] => {
  const line = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .find((l) => l.startsWith(`${instruction} `));
  return JSON.parse(/(\[.*\])\s*$/.exec(line ?? '')?.[1] ?? 'null') as string[];
};

describe('the Dockerfile', () => {
  it('runs the same command the process tests run, as a non-root user, from a production-only stage', () => {
    expect(execJsonForm('CMD')).toEqual(['node', 'bin/apo-bot.js', 'start']);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile.match(/^FROM node:\d+-bookworm-slim AS \w+$/gm)).toHaveLength(2);
  });

  it('has a health check that passes against a healthy bot and fails otherwise', async () => {
    const healthcheck = execJsonForm('HEALTHCHECK');
    expect(healthcheck[0]).toBe('node');
    let healthy = true;
    const server = await startHealthServer(
      { live: () => ({ ok: healthy, detail: {} }), ready: () => ({ ok: healthy, detail: {} }) },
      0,
      '127.0.0.1',
    );
    try {
      const run = () => promisify(execFile)(process.execPath, healthcheck.slice(1), { env: { HEALTH_PORT: String(server.port) } });
      await expect(run()).resolves.toBeDefined();
      healthy = false;
      await expect(run()).rejects.toMatchObject({ code: 1 });
    } finally {
      await server.close();
    }
  });
});
