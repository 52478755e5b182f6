import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { tokenize, type Token } from '../text/analyze.js';
import type { KnowledgeProblem } from '../types.js';
import { yamlToJs } from './frontMatter.js';

/**
 * The glossary says which words and phrases mean the same thing ("KPC" and "Korea Productivity
 * Center"). Each group becomes a concept; a text that contains any phrase of a group contains
 * the concept, so a question in other words still finds the passage.
 */
export interface Glossary {
  /** The groups as written, for reports. */
  readonly groups: readonly (readonly string[])[];
  /** Phrases (as index-term sequences) by their first term, longest first. */
  readonly phrasesByFirstTerm: ReadonlyMap<string, readonly GlossaryPhrase[]>;
}

export interface GlossaryPhrase {
  readonly terms: readonly string[];
  /** The concept id, "c" and the group's index. */
  readonly concept: string;
}

/** A place in a token list where a glossary phrase stands. */
export interface ConceptMatch {
  readonly concept: string;
  /** Index of the first token and one past the last. */
  readonly from: number;
  readonly to: number;
}

export const EMPTY_GLOSSARY: Glossary = { groups: [], phrasesByFirstTerm: new Map() };

const glossarySchema = z.object({
  synonyms: z.array(
    z
      .array(z.union([z.string(), z.number()]).transform(String), {
        error: 'each entry must be a list of words or phrases, like [KPC, Korea Productivity Center]',
      })
      .min(2, { error: 'each entry needs at least two words or phrases that mean the same' }),
    { error: '"synonyms" must be a list of entries' },
  ),
});

/** Parses the YAML glossary file, reporting problems with their line. */
export function parseGlossary(
  file: string,
  text: string,
): { glossary: Glossary; problems: KnowledgeProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    const message = firstError.message.split('\n')[0] ?? firstError.message;
    return { glossary: EMPTY_GLOSSARY, problems: [{ file, line, message: `invalid YAML: ${message}` }] };
  }
  const data = yamlToJs(doc);
  if (!data.ok) return { glossary: EMPTY_GLOSSARY, problems: [{ file, line: 1, message: data.message }] };
  const parsed = glossarySchema.safeParse(data.value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const entry = typeof issue.path[1] === 'number' ? `entry ${issue.path[1] + 1}: ` : '';
      const node = doc.getIn(issue.path.slice(0, 2) as (string | number)[], true) as { range?: [number] } | undefined;
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      return { file, ...(line === undefined ? {} : { line }), message: `${entry}${issue.message}` };
    });
    return { glossary: EMPTY_GLOSSARY, problems };
  }
  return { glossary: compileGlossary(parsed.data.synonyms), problems: [] };
}

export function compileGlossary(groups: readonly (readonly string[])[]): Glossary {
  const byFirst = new Map<string, GlossaryPhrase[]>();
  groups.forEach((group, index) => {
    const concept = `c${index}`;
    for (const phrase of group) {
      const terms = tokenize(phrase).map((token) => token.term);
      const first = terms[0];
      if (first === undefined) continue;
      const list = byFirst.get(first) ?? [];
      if (!list.some((p) => p.concept === concept && sameTerms(p.terms, terms))) list.push({ terms, concept });
      byFirst.set(first, list);
    }
  });
  for (const list of byFirst.values()) list.sort((a, b) => b.terms.length - a.terms.length);
  return { groups, phrasesByFirstTerm: byFirst };
}

function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((term, i) => term === b[i]);
}

/** Whether a word of a text stands for a word of a glossary phrase. */
export type TermEquality = (phraseTerm: string, textTerm: string) => boolean;

const sameTerm: TermEquality = (a, b) => a === b;

const phrasesLongestFirst = new WeakMap<Glossary, readonly GlossaryPhrase[]>();

/** Every phrase of a glossary, longest first: listed once per glossary, not once per question. */
function longestFirst(glossary: Glossary): readonly GlossaryPhrase[] {
  let phrases = phrasesLongestFirst.get(glossary);
  if (phrases === undefined) {
    phrases = [...glossary.phrasesByFirstTerm.values()].flat().sort((a, b) => b.terms.length - a.terms.length);
    phrasesLongestFirst.set(glossary, phrases);
  }
  return phrases;
}

/**
 * Finds glossary phrases in a token list, longest first and without overlaps, so "Korea
 * Productivity Center" counts as KPC and not also as Korea. With a looser `equal` (typos allowed,
 * for questions), every phrase is tried at every word, not only those with the same first word.
 */
export function findConcepts(glossary: Glossary, tokens: readonly Token[], equal: TermEquality = sameTerm): ConceptMatch[] {
  if (glossary.groups.length === 0) return [];
  const all = equal === sameTerm ? undefined : longestFirst(glossary);
  const matches: ConceptMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const candidates = all ?? glossary.phrasesByFirstTerm.get((tokens[i] as Token).term);
    const found = candidates?.find((phrase) =>
      phrase.terms.every((term, k) => {
        const token = tokens[i + k];
        return token !== undefined && equal(term, token.term);
      }),
    );
    if (found) {
      matches.push({ concept: found.concept, from: i, to: i + found.terms.length });
      i += found.terms.length;
    } else {
      i += 1;
    }
  }
  return matches;
}
