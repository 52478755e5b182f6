import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { MAX_IMPORT_BYTES, readCapped, refuseAttachment } from '../../../src/chatImport.js';
import { importRow, NO_MENTIONS, renderDiscordImportPreview, renderDiscordNotice } from '../render.js';
import type { Command } from './command.js';
import { allowAdmin } from './reload.js';

/** How long a download of the attachment may take. */
const DOWNLOAD_TIMEOUT_MS = 20_000;

/**
 * `/import file:<attachment>`: previews the article a page (.txt, .html or .md, up to 1 MiB)
 * would make, privately, with Add and Cancel buttons (handled in listeners/interactions.ts).
 * For the same admins as /reload. Type and size are checked before anything is downloaded.
 */
export const importCommand = {
  data: new SlashCommandBuilder()
    .setName('import')
    .setDescription('Add an article from a saved page: preview first (admins only)')
    .addAttachmentOption((option) => option.setName('file').setDescription('The page as .txt, .html or .md (up to 1 MiB)').setRequired(true)),
  async execute(interaction, deps) {
    if (!(await allowAdmin(interaction, deps, 'import'))) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const attachment = interaction.options.getAttachment('file', true);
    const refused = refuseAttachment(attachment.name, attachment.size);
    if (refused) {
      deps.logger.info({ userId: interaction.user.id, size: attachment.size }, 'discord import refused before download');
      await interaction.editReply({ embeds: [renderDiscordNotice('Not imported', refused, true)], allowedMentions: NO_MENTIONS });
      return;
    }
    const download = await downloadCapped(attachment.url, MAX_IMPORT_BYTES);
    if (!download.ok) {
      deps.logger.warn({ userId: interaction.user.id, reason: download.message }, 'discord import download failed');
      await interaction.editReply({ embeds: [renderDiscordNotice('Not imported', `${attachment.name}: ${download.message}`, true)], allowedMentions: NO_MENTIONS });
      return;
    }
    const result = await deps.assistant.previewImport({ platform: 'discord', userId: interaction.user.id, fileName: attachment.name, bytes: download.bytes });
    if (!result.ok) {
      deps.logger.info({ userId: interaction.user.id }, 'discord import preview refused');
      await interaction.editReply({ embeds: [renderDiscordNotice('Not imported', result.message, true)], allowedMentions: NO_MENTIONS });
      return;
    }
    const { preview } = result;
    deps.logger.info({ userId: interaction.user.id, articleId: preview.id, action: preview.action, paragraphs: preview.paragraphs }, 'discord import preview');
    await interaction.editReply({ embeds: [renderDiscordImportPreview(preview)], components: [importRow(preview.token)], allowedMentions: NO_MENTIONS });
  },
} satisfies Command;

type Download = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly message: string };

/** GETs a file, refusing it as soon as it grows past `limit` bytes, whatever its headers claimed. */
export async function downloadCapped(url: string, limit: number): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    return { ok: false, message: `could not download it (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, message: `could not download it (HTTP ${response.status}).` };
  }
  let bytes: Uint8Array | 'too-big';
  try {
    bytes = await readCapped(response, limit);
  } catch (error) {
    return { ok: false, message: `could not download it (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (bytes === 'too-big') return { ok: false, message: `it is larger than the limit of ${limit} bytes (1 MiB).` };
  return { ok: true, bytes };
}
