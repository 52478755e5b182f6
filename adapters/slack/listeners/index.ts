import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { registerDirectMessages } from './directMessages.js';
import { registerFileImport } from './fileImport.js';
import { registerMentions } from './mentions.js';
import { registerSlashCommand } from './slashCommand.js';
import { registerThreadReplies } from './threadReplies.js';
import { registerVotes } from './votes.js';

/** Every Slack feature, registered in one place. */
export function registerListeners(app: App, deps: SlackDeps): void {
  registerMentions(app, deps);
  registerDirectMessages(app, deps);
  registerThreadReplies(app, deps);
  registerSlashCommand(app, deps);
  registerVotes(app, deps);
  registerFileImport(app, deps);
}
