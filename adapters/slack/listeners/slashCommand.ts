import type { App, RespondFn } from '@slack/bolt';
import { parseDuration } from '../../../src/insight/stats.js';
import { apologyText } from '../../../src/replyText.js';
import type { SlackDeps } from '../deps.js';
import { importHowTo } from './fileImport.js';
import { renderSlackAnswer, renderSlackHelp, renderSlackInsight, renderSlackNotice, renderSlackReloadReport } from '../render.js';

export const SLASH_COMMAND = '/apo';

/**
 * `/apo <question>` answers in the channel; `/apo help` (or nothing) explains, privately;
 * `/apo reload [dry-run]`, `/apo stats [7d]` and `/apo import` (how to import a file) are for admins only. Every path acknowledges
 * first, within Slack's three seconds, then works.
 */
export function registerSlashCommand(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    const text = command.text.trim();
    const [word = '', ...rest] = text.toLowerCase().split(/\s+/);
    if (word === '' || word === 'help') {
      await ack({ response_type: 'ephemeral', ...renderSlackHelp() });
      return;
    }
    await ack();
    const work =
      word === 'reload' && rest.length <= 1
        ? admin(command.user_id, 'reload', respond, deps, () => reload(rest[0], command.user_id, respond, deps))
        : word === 'stats' && rest.length <= 1
          ? admin(command.user_id, 'stats', respond, deps, () => stats(rest[0], respond, deps))
          : word === 'import' && rest.length === 0
            ? admin(command.user_id, 'import', respond, deps, () => respond({ response_type: 'ephemeral', ...importHowTo() }).then(() => undefined))
            : answer(text, command.user_id, respond, deps);
    await deps.assistant.track(work);
  });
}

async function admin(userId: string, what: string, respond: RespondFn, deps: SlackDeps, run: () => Promise<void>): Promise<void> {
  if (deps.config.adminUserIds.has(userId)) return run();
  deps.logger.warn({ userId, command: what }, `slack ${what} refused: not an admin`);
  await respond({
    response_type: 'ephemeral',
    text: `Sorry, only knowledge base admins can use \`/apo ${what}\`. See \`/apo help\` for what you can do.`,
  });
}

async function reload(option: string | undefined, userId: string, respond: RespondFn, deps: SlackDeps): Promise<void> {
  if (option !== undefined && option !== 'dry-run') {
    await respond({ response_type: 'ephemeral', text: 'Use `/apo reload`, or `/apo reload dry-run` to see what would change.' });
    return;
  }
  try {
    const report = await deps.assistant.reload({ dryRun: option === 'dry-run' }, `slack ${userId}`);
    deps.logger.info({ applied: report.applied, dryRun: report.dryRun, errors: report.errors.length, replicas: report.replicas }, 'slack reload');
    await respond({ response_type: 'ephemeral', ...renderSlackReloadReport(report) });
  } catch (error) {
    deps.logger.error({ err: error }, 'slack reload failed');
    await respond({ response_type: 'ephemeral', text: 'The reload failed unexpectedly; the previous knowledge is still served.' });
  }
}

async function stats(period: string | undefined, respond: RespondFn, deps: SlackDeps): Promise<void> {
  let since: Date | undefined;
  try {
    since = period === undefined ? undefined : new Date(Date.now() - parseDuration(period));
  } catch (error) {
    // The message echoes what the admin typed: escaped like everything else the bot posts.
    await respond({ response_type: 'ephemeral', ...renderSlackNotice((error as Error).message) });
    return;
  }
  await respond({ response_type: 'ephemeral', ...renderSlackInsight(await deps.assistant.insight(since)) });
}

async function answer(question: string, userId: string, respond: RespondFn, deps: SlackDeps): Promise<void> {
  let questionId = 'unknown';
  try {
    const outcome = await deps.assistant.ask({ platform: 'slack', userId, channelKind: 'command', question, audience: 'internal' });
    questionId = outcome.questionId;
    if (outcome.kind !== 'answer') {
      await respond({ response_type: 'ephemeral', ...renderSlackNotice(outcome.message) });
      return;
    }
    await respond({
      response_type: deps.config.privateReplies ? 'ephemeral' : 'in_channel',
      ...renderSlackAnswer(outcome.answer, outcome.questionId),
    });
  } catch (error) {
    deps.logger.error({ err: error, questionId }, 'slack question failed');
    await respond({ response_type: 'ephemeral', text: apologyText(questionId) }).catch((second: unknown) =>
      deps.logger.error({ err: second, questionId }, 'slack error reply failed too'),
    );
  }
}
