/** Small text helpers every chat adapter uses for what it says back. */

/** Cuts text to a length, at a word boundary when one is near, marking the cut with "…". */
export function trimText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  // A cut right after a backslash would escape the ellipsis in Markdown: drop the backslash.
  return `${(space > limit * 0.8 ? cut.slice(0, space) : cut).replace(/\\+$/, '')}…`;
}

/** What the asker sees when answering failed: short, with the reference that is in the log. */
export function apologyText(questionId: string): string {
  return `Sorry, I couldn't answer that just now (reference ${questionId}). Please try again in a moment.`;
}
