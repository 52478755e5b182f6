import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SHIPPED_KNOWLEDGE } from './knowledgeDir.js';
import { startBotProcess, slackEnv, type BotProcess } from './slackBotProcess.js';
import type { SlackWebApiStandIn } from '../support/slack/index.js';

/** A copy of the shipped knowledge that a test may change (every replica reads the same folder). */
export async function sharedKnowledge(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apo-shared-knowledge-'));
  await cp(SHIPPED_KNOWLEDGE, dir, { recursive: true });
  return dir;
}

/** Resolves once the replica's /readyz says 200: Slack is up and the shared database answers. */
export async function untilReady(bot: BotProcess, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const response = await fetch(`${bot.healthUrl()}/readyz`).catch(() => undefined);
    last = await response?.json().catch(() => undefined);
    if (response?.status === 200) return last as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`replica not ready: ${JSON.stringify(last)}`);
}

/** Starts `apo-bot start` replicas in Slack HTTP mode against one database and one stand-in. */
export async function startSlackReplicas(
  count: number,
  options: { api: SlackWebApiStandIn; databaseUrl: string; knowledgeDir: string; dataDir: string; env?: Record<string, string>; first?: number },
): Promise<BotProcess[]> {
  const bots = Array.from({ length: count }, (_, i) =>
    startBotProcess({
      ...slackEnv(options.api, options.dataDir),
      DATABASE_URL: options.databaseUrl,
      REPLICA_NAME: `replica-${(options.first ?? 1) + i}`,
      KNOWLEDGE_DIR: options.knowledgeDir,
      ...options.env,
    }),
  );
  await Promise.all(bots.map((bot) => bot.running));
  await Promise.all(bots.map((bot) => untilReady(bot)));
  return bots;
}
