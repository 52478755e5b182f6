/**
 * The one fake workspace every Slack test talks about.
 *
 * The Web API stand-in answers `auth.test` with these ids and the payload
 * builders put them into events, so Bolt's view of "who am I" (bot user, bot
 * id, team) agrees with what the events claim. Ids follow Slack's shapes
 * (T… team, A… app, U… user, B… bot, C… channel, D… direct message) because
 * code under test may branch on the prefix (e.g. `D` means a DM).
 */
export const SLACK_TEST_IDS = {
  teamId: 'T0APOTEST1',
  teamDomain: 'apo-test',
  teamName: 'APO Test Workspace',
  apiAppId: 'A0APOBOT01',
  botUserId: 'U0APOBOT01',
  botUserName: 'apo-bot',
  botId: 'B0APOBOT01',
  humanUserId: 'U0HUMAN001',
  humanUserName: 'ada',
  channelId: 'C0GENERAL1',
  channelName: 'general',
  directMessageChannelId: 'D0DIRECT01',
} as const;

export const DEFAULT_BOT_TOKEN = 'xoxb-test-token';
export const DEFAULT_SIGNING_SECRET = 'test-signing-secret';
