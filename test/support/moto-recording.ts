// moto's own request log (its recorder: MOTO_ENABLE_RECORDING, /moto-api/recorder/*, moto 5.2.5), read as the
// sequence of Fargate profile writes and reads moto served, so a safety rule can be checked over a whole run.

/** One request as moto's recorder wrote it (a JSON line). */
interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly body?: string | null;
  readonly body_encoded?: boolean;
}

/** A Fargate profile request moto served, in the order moto received it. */
export interface ProfileEvent {
  readonly op: 'Create' | 'Describe' | 'Delete';
  readonly profile: string;
}

/** Every request moto recorded since the last reset, in order. */
export async function motoRecording(endpoint: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${endpoint}/moto-api/recorder/download-recording`);
  if (!res.ok) throw new Error(`moto download-recording: ${res.status}`);
  return (await res.text()).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RecordedRequest);
}

/** Empties moto's request log. */
export async function resetMotoRecording(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/recorder/reset-recording`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset-recording: ${res.status}`);
}

/** The EKS Fargate profile calls among `log` (REST JSON: POST/GET/DELETE /clusters/<c>/fargate-profiles[/<name>]). */
export function profileEvents(log: readonly RecordedRequest[]): ProfileEvent[] {
  return log.flatMap((r): ProfileEvent[] => {
    const m = /\/clusters\/[^/]+\/fargate-profiles(?:\/([^/?]+))?(?:\?|$)/.exec(new URL(r.url).pathname);
    if (!m) return [];
    const named = m[1] ? decodeURIComponent(m[1]) : undefined;
    if (r.method === 'DELETE' && named) return [{ op: 'Delete', profile: named }];
    if (r.method === 'GET' && named) return [{ op: 'Describe', profile: named }];
    if (r.method !== 'POST' || named) return [];
    const text = r.body_encoded ? Buffer.from(r.body ?? '', 'base64').toString('utf8') : (r.body ?? '');
    const name = (JSON.parse(text || '{}') as { fargateProfileName?: string }).fargateProfileName;
    return name ? [{ op: 'Create', profile: name }] : [];
  });
}

/**
 * Replays the log against the rule "an original is deleted only while its replacement exists (moto makes a profile
 * ACTIVE in its Create response, so exists = ACTIVE) and after a read of the replacement made since it was created".
 * Returns one sentence per violation; also how many originals were deleted, so a vacuous pass can be told apart.
 */
export function profileDeletionViolations(events: readonly ProfileEvent[], replacementOf: Readonly<Record<string, string>>):
  { violations: string[]; originalsDeleted: number } {
  const exists = new Set<string>();
  const readSinceCreate = new Set<string>();
  const violations: string[] = [];
  let originalsDeleted = 0;
  events.forEach((e, i) => {
    if (e.op === 'Create') {
      exists.add(e.profile);
      readSinceCreate.delete(e.profile);
    } else if (e.op === 'Describe') {
      if (exists.has(e.profile)) readSinceCreate.add(e.profile);
    } else {
      const replacement = replacementOf[e.profile];
      if (replacement !== undefined && exists.has(e.profile)) {
        originalsDeleted++;
        if (!exists.has(replacement)) violations.push(`request ${i}: deleted ${e.profile} while ${replacement} did not exist`);
        else if (!readSinceCreate.has(replacement)) violations.push(`request ${i}: deleted ${e.profile} without reading ${replacement} since its creation`);
      }
      exists.delete(e.profile);
      readSinceCreate.delete(e.profile);
    }
  });
  return { violations, originalsDeleted };
}
