import type { ReplicaReport } from './types.js';

/**
 * One line for an admin on how a reload reached the replicas: "Knowledge version 7: loaded by 3 of
 * 3 replicas." or which ones failed and why. Plain text; each chat escapes it as it needs.
 */
export function describeReplicas(report: ReplicaReport): string {
  if (report.notBroadcast !== undefined) {
    return `Only this replica reloaded: ${report.notBroadcast}. Reload again once the database is back, so every replica serves the same knowledge.`;
  }
  const applied = report.replicas.filter((r) => r.applied);
  const failed = report.replicas.filter((r) => !r.applied);
  const head = `Knowledge version ${report.knowledgeVersion}: loaded by ${applied.length} of ${report.replicas.length} replica${report.replicas.length === 1 ? '' : 's'}`;
  const notBy = failed.length === 0 ? '' : `; not by ${failed.map((r) => `${r.replica} (${r.reason ?? 'unknown'})`).join(', ')}`;
  const reference = report.fingerprint;
  const different = reference === undefined ? [] : applied.filter((r) => r.fingerprint !== undefined && r.fingerprint !== reference);
  const differs =
    different.length === 0
      ? ''
      : `; ${different.map((r) => `${r.replica} loaded different knowledge (folder differs)`).join(', ')}: every replica must read the same knowledge folder (fingerprint ${reference} expected, ${different.map((r) => `${r.fingerprint} on ${r.replica}`).join(', ')})`;
  return `${head}${notBy}${differs}.`;
}
