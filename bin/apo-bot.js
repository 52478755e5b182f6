#!/usr/bin/env node
// The `apo-bot` command. The code is TypeScript compiled to dist/ by `npm run build`, which
// `npm ci` and `npm install` run for you (the "prepare" script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('apo-bot: not built yet. Run "npm run build" (npm ci does it for you).\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
