import { networkCode, type ConnectFailure } from '../../src/adapter.js';

/** Slack's answers that mean the token itself is refused: trying again can't help. */
const REJECTED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'user_removed_from_team',
  'team_disabled',
  'not_allowed_token_type',
]);

export const SLACK_API_DEFAULT_URL = 'https://slack.com/api/';

/**
 * What a failed Slack call made while connecting means. `setting` is the token the call used
 * (`SLACK_BOT_TOKEN` for auth.test, `SLACK_APP_TOKEN` for Socket Mode's apps.connections.open).
 * Undefined for an error that is none of Slack's answers and no network failure.
 */
export function classifySlackError(error: unknown, setting: string, apiUrl: string | undefined): ConnectFailure | undefined {
  const url = apiUrl ?? SLACK_API_DEFAULT_URL;
  const { code, data, statusCode, retryAfter } = (error ?? {}) as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; retryAfter?: unknown };
  if (code === 'slack_webapi_platform_error' && typeof data?.error === 'string') {
    if (REJECTED_TOKEN.has(data.error)) return { kind: 'rejected', code: data.error, setting, summary: `Slack rejected ${setting} (${data.error})` };
    return { kind: 'unreachable', code: data.error, setting, url, summary: `Slack answered ${data.error} at ${url}` };
  }
  if (code === 'slack_webapi_rate_limited_error') {
    return { kind: 'unreachable', code: 'ratelimited', setting, url, summary: `Slack is rate limiting (retry after ${String(retryAfter)} s)` };
  }
  if (code === 'slack_webapi_http_error' && typeof statusCode === 'number') {
    // A 4xx from the API base means it is not Slack's Web API: a wrong SLACK_API_URL, not a passing outage.
    if (statusCode < 500 && statusCode !== 408) {
      return { kind: 'rejected', code: statusCode, setting: 'SLACK_API_URL', summary: `${url} answered HTTP ${statusCode}: is SLACK_API_URL Slack's Web API?` };
    }
    return { kind: 'unreachable', code: statusCode, setting: 'SLACK_API_URL', url, summary: `Slack answered HTTP ${statusCode} at ${url}` };
  }
  const network = networkCode(error);
  if (network !== undefined) return { kind: 'unreachable', code: network, setting: 'SLACK_API_URL', url, summary: `cannot reach Slack at ${url} (${network})` };
  return undefined;
}
