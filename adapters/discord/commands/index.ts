import { ask } from './ask.js';
import type { Command } from './command.js';
import { help } from './help.js';
import { importCommand } from './import.js';
import { reload } from './reload.js';
import { stats } from './stats.js';

/** Every slash command, by name. Registration (register.ts) and dispatch both read this map. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([ask, help, importCommand, reload, stats].map((command) => [command.data.name, command]));

export type { Command } from './command.js';
