import { smallTalkOf } from './text/smallTalk.js';
import type { Decline } from './types.js';

/**
 * The first part of a decline, without the list of nearest articles: what adapters show above
 * their own rendering of `decline.nearest`.
 */
export function declineHeadline(question: string, decline: Decline): string {
  const words = decline.unmatchedTerms.length > 0 ? ` Nothing matched: ${decline.unmatchedTerms.join(', ')}.` : '';
  switch (decline.reason) {
    case 'empty-question':
      return 'Please ask a question.';
    case 'too-long':
      return `That question is ${question.length} characters long; please keep it under ${decline.limit ?? 'the limit'}.`;
    case 'period-not-covered':
      return `I have nothing from ${decline.period ?? 'that period'}.`;
    case 'unknown-name':
      return `The knowledge base doesn't cover that.${words}`;
    case 'nothing-more': {
      const article = decline.nearest[0];
      return article
        ? `That is all “${article.title}” (${article.date}) says; ask me something else about it.`
        : 'Ask me a question first; "tell me more" then goes on with the article I quoted.';
    }
    case 'greeting':
      return smallTalkOf(question) === 'thanks'
        ? "You're welcome! Ask me anything else the articles I know might answer."
        : 'Hello! Ask me a question and I answer it by quoting the sentence of my articles that answers it, with its source.';
    case 'not-english':
      return 'I can only answer questions in English; please ask again in English.';
    case 'no-match':
    case 'weak-match':
      return `I couldn't find an answer to that in the knowledge base.${words}`;
  }
}
