// One import for Slack adapter tests: the Web API stand-in, request signing,
// payload builders and the Bolt helpers.
export * from './boltApp.js';
export * from './ids.js';
export * from './payloads.js';
export { nowInSeconds, postSignedEvent, postSignedSlashCommand, signSlackRequest } from './signing.js';
export type { SignedPostOptions, SlackPostResult, SlackSignatureHeaders } from './signing.js';
export * from './webApiStandIn.js';
