import { randomUUID } from 'node:crypto';
import type { App, RespondFn } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { apologyText } from '../../../src/replyText.js';
import { renderSlackAnswer, renderSlackHelp, renderSlackReloadReport } from '../render.js';

export const SLASH_COMMAND = '/apo';

/**
 * `/apo <question>` answers in the channel; `/apo help` (or nothing) explains, privately;
 * `/apo reload` reloads the knowledge, for admins only. Every path acknowledges first, within
 * Slack's three seconds, then works.
 */
export function registerSlashCommand(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    const text = command.text.trim();
    const word = text.toLowerCase();
    if (word === '' || word === 'help') {
      await ack({ response_type: 'ephemeral', ...renderSlackHelp() });
      return;
    }
    await ack();
    if (word === 'reload') {
      await reload(command.user_id, respond, deps);
      return;
    }
    await answer(text, respond, deps);
  });
}

async function reload(userId: string, respond: RespondFn, deps: SlackDeps): Promise<void> {
  if (!deps.config.adminUserIds.has(userId)) {
    deps.logger.warn({ userId }, 'slack reload refused: not an admin');
    await respond({
      response_type: 'ephemeral',
      text: 'Sorry, only knowledge base admins can reload it. Ask an admin, or see `/apo help` for what you can do.',
    });
    return;
  }
  try {
    const report = await deps.engine.reload();
    deps.logger.info({ userId, applied: report.applied, errors: report.errors.length }, 'slack reload');
    await respond({ response_type: 'ephemeral', ...renderSlackReloadReport(report) });
  } catch (error) {
    deps.logger.error({ err: error, userId }, 'slack reload failed');
    await respond({ response_type: 'ephemeral', text: 'The reload failed unexpectedly; the previous knowledge is still served.' });
  }
}

async function answer(question: string, respond: RespondFn, deps: SlackDeps): Promise<void> {
  const questionId = randomUUID().slice(0, 8);
  const log = deps.logger.child({ questionId, channelKind: 'command' });
  try {
    const reply = deps.engine.answer(question, { audience: 'internal' });
    await respond({ response_type: deps.config.privateReplies ? 'ephemeral' : 'in_channel', ...renderSlackAnswer(reply) });
    log.info({ answered: reply.answered, reason: reply.decline?.reason, tookMs: reply.tookMs }, 'slack question answered');
  } catch (error) {
    log.error({ err: error }, 'slack question failed');
    await respond({
      response_type: 'ephemeral',
      text: apologyText(questionId),
    }).catch((second: unknown) => log.error({ err: second }, 'slack error reply failed too'));
  }
}
