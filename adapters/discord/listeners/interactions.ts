import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Events, MessageFlags, type ButtonInteraction, type Client, type Interaction } from 'discord.js';
import { COMMANDS } from '../commands/index.js';
import type { DiscordDeps } from '../deps.js';
import { apologyText } from '../../../src/replyText.js';
import { IMPORT_ID, NO_MENTIONS, renderDiscordNotice, renderDiscordReloadReport, VOTE_ID } from '../render.js';

/**
 * Runs slash commands. A command that fails still answers: with a short error where the answer
 * would have been, so the interaction is never left "thinking".
 */
export function registerInteractions(client: Client, deps: DiscordDeps): void {
  client.on(Events.InteractionCreate, (interaction) => {
    void deps.claims.once(`discord:interaction:${interaction.id}`, () =>
      deps.assistant.track(
        interaction.isButton() ? (IMPORT_ID.test(interaction.customId) ? importButton(interaction, deps) : vote(interaction, deps)) : handle(interaction, deps),
      ),
    );
  });
}

/**
 * What each button kind says in the log (did the reply help?) and back to the voter. "This should
 * have been answered" under a decline is a decline that did not help: the stats list those questions.
 */
const VOTES: Readonly<Record<string, { readonly helpful: boolean; readonly thanks: string }>> = {
  helpful: { helpful: true, thanks: 'Thanks, glad it helped.' },
  not_helpful: { helpful: false, thanks: 'Thanks for telling us; an admin will see it in the stats.' },
  should_answer: { helpful: false, thanks: 'Thanks; the admins will see this question in the stats and can add an article for it.' },
  right_decline: { helpful: true, thanks: 'Thanks for confirming.' },
};

/** A vote button under an answer or a decline: the vote goes to the question log, the voter gets thanks. */
async function vote(interaction: ButtonInteraction, deps: DiscordDeps): Promise<void> {
  const match = VOTE_ID.exec(interaction.customId);
  const kind = match && VOTES[match[1] as string];
  if (!match || !kind) return;
  try {
    await deps.assistant.vote({ platform: 'discord', userId: interaction.user.id, questionId: match[2] as string, helpful: kind.helpful });
    await interaction.reply({ content: kind.thanks, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  } catch (error) {
    deps.logger.error({ err: error }, 'discord vote failed');
  }
}

/**
 * Add or Cancel under an import preview. Only the admin who sent the file may use them (the
 * preview's token knows who): anyone else gets a private refusal and the preview stays as it is.
 * Add writes the article and reloads (acknowledged first, as a reload can take a while), then the
 * preview becomes the result and the reload report; Cancel turns it into "nothing was written".
 */
async function importButton(interaction: ButtonInteraction, deps: DiscordDeps): Promise<void> {
  const match = IMPORT_ID.exec(interaction.customId);
  if (!match) return;
  const [, kind, token] = match as unknown as [string, 'add' | 'cancel', string];
  const request = { platform: 'discord', userId: interaction.user.id, token };
  const logger = deps.logger.child({ userId: interaction.user.id, command: `import ${kind}` });
  try {
    if (kind === 'cancel') {
      if (deps.assistant.cancelImport(request)) {
        logger.info('discord import cancelled');
        await interaction.update({ embeds: [renderDiscordNotice('Import cancelled', 'Nothing was written.')], components: [], allowedMentions: NO_MENTIONS });
      } else {
        logger.info('discord import cancel refused');
        await interaction.reply({ content: 'That preview has expired, was already used, or is not yours.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      }
      return;
    }
    await interaction.deferUpdate();
    const result = await deps.assistant.applyImport(request);
    if (!result.ok) {
      logger.info({ reason: result.message }, 'discord import add refused');
      await interaction.followUp({ content: result.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    logger.info({ articleId: result.articleId, action: result.action, applied: result.report.applied }, 'discord import added');
    const done = renderDiscordNotice(
      result.action === 'added' ? 'Article added' : 'Article changed',
      `${result.articleId} was written to ${path.basename(result.file)} in the knowledge folder.`,
    );
    await interaction.editReply({ embeds: [done, renderDiscordReloadReport(result.report)], components: [], allowedMentions: NO_MENTIONS });
  } catch (error) {
    logger.error({ err: error }, 'discord import button failed');
  }
}

async function handle(interaction: Interaction, deps: DiscordDeps): Promise<void> {
  if (!interaction.isChatInputCommand()) return;
  const command = COMMANDS.get(interaction.commandName);
  const questionId = randomUUID().slice(0, 8);
  const logger = deps.logger.child({ questionId, command: interaction.commandName, channelKind: interaction.inGuild() ? 'guild' : 'dm' });
  if (!command) {
    logger.warn('unknown discord command');
    return;
  }
  try {
    await command.execute(interaction, { ...deps, logger });
  } catch (error) {
    logger.error({ err: error }, 'discord command failed');
    const apology = { content: apologyText(questionId), allowedMentions: NO_MENTIONS, embeds: [] };
    try {
      if (interaction.deferred || interaction.replied) await interaction.editReply(apology);
      else await interaction.reply({ ...apology, flags: MessageFlags.Ephemeral });
    } catch (second) {
      logger.error({ err: second }, 'discord error reply failed too');
    }
  }
}
