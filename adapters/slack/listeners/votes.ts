import type { App, BlockButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { VOTE_ACTIONS } from '../render.js';

export const VOTE_ACTION = /^apo_vote_(helpful|not_helpful|should_answer|right_decline)$/;

/**
 * What each button says in the log (did the reply help?) and back to the voter. "This should have
 * been answered" under a decline is a decline that did not help: the stats list those questions.
 */
const VOTES: Readonly<Record<string, { readonly helpful: boolean; readonly thanks: string }>> = {
  [VOTE_ACTIONS.helpful]: { helpful: true, thanks: 'Thanks, glad it helped.' },
  [VOTE_ACTIONS.notHelpful]: { helpful: false, thanks: 'Thanks for telling us; an admin will see it in the stats.' },
  [VOTE_ACTIONS.shouldAnswer]: { helpful: false, thanks: 'Thanks; the admins will see this question in the stats and can add an article for it.' },
  [VOTE_ACTIONS.rightDecline]: { helpful: true, thanks: 'Thanks for confirming.' },
};

/** The buttons under an answer (👍/👎) or a decline: the vote goes to the question log, the voter gets thanks. */
export function registerVotes(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(VOTE_ACTION, async ({ action, body, ack, respond }) => {
    await ack();
    const vote = VOTES[action.action_id];
    if (!vote) return;
    await deps.assistant.track(
      deps.assistant
        .vote({ platform: 'slack', userId: body.user.id, questionId: action.value ?? 'unknown', helpful: vote.helpful })
        .then(() => respond({ response_type: 'ephemeral', replace_original: false, text: vote.thanks }))
        .catch((error: unknown) => deps.logger.error({ err: error }, 'slack vote failed')),
    );
  });
}
