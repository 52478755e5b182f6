import type { App, BlockButtonAction, RespondFn, SayFn } from '@slack/bolt';
import { MAX_IMPORT_BYTES, readCapped, refuseAttachment } from '../../../src/chatImport.js';
import { messageKey, type SlackDeps } from '../deps.js';
import { escapeMrkdwn, IMPORT_ACTIONS, renderSlackImportPreview, renderSlackNotice, renderSlackReloadReport } from '../render.js';

export const IMPORT_ACTION = /^apo_import_(add|cancel)$/;

/** The refusal a non-admin gets for an import, as for `/apo reload`. */
export const IMPORT_REFUSAL = 'Sorry, only knowledge base admins can import articles. See `/apo help` for what you can do.';

/** How to import, for `/apo import` (a slash command cannot carry a file). */
export const IMPORT_HOW =
  'To add an article, send me the page as a `.txt`, `.html` or `.md` file (at most 1 MiB) in a direct message. ' +
  'I reply with the article it would make, with *Add* and *Cancel* buttons; nothing is written until you press Add.';

/** A file as Slack describes it in a `file_share` message. */
interface SharedFile {
  readonly name?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly url_private_download?: string;
}

/**
 * An admin sends a `.txt`, `.html` or `.md` file in a DM: the bot checks its type and size,
 * downloads it with its token (`files:read`), and replies in the DM with the article it would
 * add and Add / Cancel buttons. Nothing is written before Add. Anyone else gets the admins-only
 * refusal, and nothing is downloaded.
 */
export function registerFileImport(app: App, deps: SlackDeps): void {
  app.message(async ({ message, context, say }) => {
    if (message.subtype !== 'file_share' || message.channel_type !== 'im') return;
    if (message.user === context.botUserId) return;
    const files = (message.files ?? []) as readonly SharedFile[];
    const user = message.user;
    const handled = await deps.claims.once(messageKey(message.channel, message.ts), () => deps.assistant.track(importFile(user, files, say, deps)));
    if (!handled) deps.logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'repeated slack delivery ignored');
  });

  app.action<BlockButtonAction>(IMPORT_ACTION, async ({ action, body, ack, respond }) => {
    await ack();
    await deps.assistant.track(decide(action.action_id, action.value ?? '', body.user.id, respond, deps));
  });
}

async function importFile(userId: string, files: readonly SharedFile[], say: SayFn, deps: SlackDeps): Promise<void> {
  try {
    if (!deps.config.adminUserIds.has(userId)) {
      deps.logger.warn({ userId, command: 'import' }, 'slack import refused: not an admin');
      await say(IMPORT_REFUSAL);
      return;
    }
    const file = files[0];
    if (file === undefined) return;
    const name = file.name ?? 'file';
    const refused = refuseAttachment(name, file.size ?? 0);
    if (refused) {
      deps.logger.info({ userId, size: file.size }, 'slack import refused: type or size');
      await say(renderSlackNotice(refused));
      return;
    }
    const url = file.url_private_download ?? file.url_private;
    if (url === undefined || !trustedFileUrl(url, deps.config.apiUrl)) {
      deps.logger.warn({ userId }, 'slack import: file without a Slack download URL');
      await say(renderSlackNotice(`I couldn't download "${name}" from Slack; send it again.`));
      return;
    }
    const downloaded = await download(url, deps.config.botToken, name);
    if (!downloaded.ok) {
      deps.logger.warn({ userId, reason: downloaded.reason }, 'slack import download failed');
      await say(renderSlackNotice(downloaded.tooBig ? `"${name}" is larger than the limit of ${MAX_IMPORT_BYTES} bytes (1 MiB).` : `I couldn't download "${name}" from Slack (${downloaded.reason}). Is the files:read scope granted?`));
      return;
    }
    const result = await deps.assistant.previewImport({ platform: 'slack', userId, fileName: name, bytes: downloaded.bytes });
    if (!result.ok) {
      deps.logger.info({ userId }, 'slack import preview refused');
      await say(renderSlackNotice(result.message));
      return;
    }
    deps.logger.info({ userId, articleId: result.preview.id, action: result.preview.action }, 'slack import previewed');
    await say({ ...renderSlackImportPreview(result.preview, files.length - 1), unfurl_links: false, unfurl_media: false });
  } catch (error) {
    deps.logger.error({ err: error }, 'slack import failed');
    await say('The import failed unexpectedly; nothing was written. See the bot log.').catch((second: unknown) =>
      deps.logger.error({ err: second }, 'slack error reply failed too'),
    );
  }
}

async function decide(actionId: string, token: string, userId: string, respond: RespondFn, deps: SlackDeps): Promise<void> {
  try {
    if (!deps.config.adminUserIds.has(userId)) {
      deps.logger.warn({ userId, command: 'import' }, 'slack import button refused: not an admin');
      await respond({ response_type: 'ephemeral', replace_original: false, text: IMPORT_REFUSAL });
      return;
    }
    if (actionId === IMPORT_ACTIONS.cancel) {
      const cancelled = deps.assistant.cancelImport({ platform: 'slack', userId, token });
      await respond(
        cancelled
          ? { replace_original: true, text: 'Import cancelled; nothing was written.' }
          : { response_type: 'ephemeral', replace_original: false, text: 'That preview has expired, was already used, or is not yours.' },
      );
      return;
    }
    const result = await deps.assistant.applyImport({ platform: 'slack', userId, token });
    if (!result.ok) {
      deps.logger.info({ userId }, 'slack import not applied');
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderSlackNotice(result.message) });
      return;
    }
    const report = renderSlackReloadReport(result.report);
    const head = `:white_check_mark: Article \`${result.articleId}\` ${result.action} (${result.file.split(/[\\/]/).pop() ?? ''}).`;
    await respond({ replace_original: true, text: `${head} ${report.text}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(head) } }, ...report.blocks].slice(0, 50) });
  } catch (error) {
    deps.logger.error({ err: error }, 'slack import action failed');
    await respond({ response_type: 'ephemeral', replace_original: false, text: 'The import failed unexpectedly. See the bot log.' }).catch((second: unknown) =>
      deps.logger.error({ err: second }, 'slack error reply failed too'),
    );
  }
}

/**
 * The bot token is only ever sent to Slack: files.slack.com (any https *.slack.com host), or the
 * origin of SLACK_API_URL when one is set (a test stand-in or a proxy).
 */
function trustedFileUrl(url: string, apiUrl: string | undefined): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' && (parsed.hostname === 'slack.com' || parsed.hostname.endsWith('.slack.com'))) return true;
    return apiUrl !== undefined && parsed.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

type Download = { ok: true; bytes: Uint8Array } | { ok: false; tooBig: boolean; reason: string };

/** Downloads a Slack file with the bot token, reading at most MAX_IMPORT_BYTES (+1 to tell it is over). */
async function download(url: string, botToken: string, name: string): Promise<Download> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${botToken}` }, signal: AbortSignal.timeout(30_000) });
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    return { ok: false, tooBig: false, reason: `HTTP ${response.status}` };
  }
  // Without the files:read scope Slack answers 200 with its sign-in page: never import that page.
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '') && !/\.html?$/i.test(name)) {
    await response.body.cancel();
    return { ok: false, tooBig: false, reason: 'Slack sent a web page instead of the file' };
  }
  const bytes = await readCapped(response);
  if (bytes === 'too-big') return { ok: false, tooBig: true, reason: 'too large' };
  return { ok: true, bytes };
}

/** `/apo import`: how to import (admins; the slash command checks). */
export function importHowTo(): { text: string } {
  return { text: IMPORT_HOW };
}
