import type { App, BlockButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';

export const VOTE_ACTION = /^apo_vote_(helpful|not_helpful)$/;

/** The 👍/👎 buttons under an answer: the vote goes to the question log, the asker gets thanks. */
export function registerVotes(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(VOTE_ACTION, async ({ action, body, ack, respond }) => {
    await ack();
    const helpful = action.action_id === 'apo_vote_helpful';
    await deps.assistant.track(
      deps.assistant
        .vote({ platform: 'slack', userId: body.user.id, questionId: action.value ?? 'unknown', helpful })
        .then(() =>
          respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: helpful ? 'Thanks, glad it helped.' : 'Thanks for telling us; an admin will see it in the stats.',
          }),
        )
        .catch((error: unknown) => deps.logger.error({ err: error }, 'slack vote failed')),
    );
  });
}
