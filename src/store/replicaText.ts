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
  if (failed.length === 0) return `${head}.`;
  return `${head}; not by ${failed.map((r) => `${r.replica} (${r.reason ?? 'unknown'})`).join(', ')}.`;
}
