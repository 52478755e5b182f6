/**
 * Route patterns in the style of Discord's documentation: `/channels/:channelId/messages`.
 * A `:name` segment matches one path segment; everything else matches literally. Paths are
 * matched already percent-decoded.
 */

export type RouteParams = Record<string, string>;

export interface RoutePattern {
  readonly source: string;
  match(path: string): RouteParams | null;
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoutePattern(pattern: string | RegExp): RoutePattern {
  if (pattern instanceof RegExp) {
    return {
      source: pattern.toString(),
      match: (path) => {
        const found = pattern.exec(path);
        return found ? { ...found.groups } : null;
      },
    };
  }
  const names: string[] = [];
  const body = pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return escapeForRegExp(segment);
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  const regExp = new RegExp(`^${body}$`);
  return {
    source: pattern,
    match: (path) => {
      const found = regExp.exec(path);
      if (!found) return null;
      const params: RouteParams = {};
      names.forEach((name, index) => {
        params[name] = found[index + 1] ?? '';
      });
      return params;
    },
  };
}
