// Reference-data pull: tenant, positions, candidates and invitations from Supabase into SQLite, incrementally
// by a (updated_at, id) keyset cursor kept in sync_state, re-reading a small overlap window each time. Every
// pulled row is validated (a wrong shape is a bad answer: nothing is written, the cursor does not move).
import type { KioskDatabase } from '../db/database';
import {
  acceptPulledInvitation,
  laterCursor,
  PULL_SCHEMAS,
  PULL_TABLES,
  positionPersona,
  pullStart,
  type PullCursor,
  type PullTable,
  type RemoteCandidate,
  type RemoteInvitation,
  type RemotePosition,
  type RemoteTenant,
} from './mapping';
import type { Outbox } from './outbox';
import { classifyError, type RemoteError } from './plan';
import type { Remote } from './remote';

export interface PullOptions {
  pageSize?: number;
  overlapMs?: number;
}

/** `problems`: rows taken with a part left out, in words (e.g. a persona this kiosk cannot use); the caller logs them. */
export type PullOutcome = { ok: true; rows: number; problems: string[] } | { ok: false; error: RemoteError; table: PullTable };

function applier(db: KioskDatabase, problems: string[]) {
  const tenant = db.prepare(`INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at)
    VALUES (@id, @name, @values, 0, @created_at, @updated_at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, company_values = excluded.company_values, updated_at = excluded.updated_at`);
  const position = db.prepare(`INSERT INTO positions (id, tenant_id, title, description, competencies, language, turn_detection, persona, created_at, updated_at)
    VALUES (@id, @tenant_id, @title, @description, @competencies, @language, @turn_detection, @persona, @created_at, @updated_at)
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
      competencies = excluded.competencies, language = excluded.language, turn_detection = excluded.turn_detection,
      persona = excluded.persona, updated_at = excluded.updated_at`);
  const candidate = db.prepare(`INSERT INTO candidates (id, tenant_id, name, email, created_at, updated_at)
    VALUES (@id, @tenant_id, @name, @email, @created_at, @updated_at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at`);
  const invitationStatus = db.prepare('SELECT status FROM invitations WHERE id = ?');
  const invitation = db.prepare(`INSERT INTO invitations (id, tenant_id, token, status, expires_at, candidate_id, position_id,
      redeemed_at, redeemed_by_device, session_id, created_at, updated_at)
    VALUES (@id, @tenant_id, @token_hash, @status, @expires_at, @candidate_id, @position_id, @redeemed_at, @redeemed_by_device,
      NULL, @created_at, @updated_at)
    ON CONFLICT (id) DO UPDATE SET token = excluded.token, status = excluded.status, expires_at = excluded.expires_at,
      candidate_id = excluded.candidate_id, position_id = excluded.position_id, redeemed_at = excluded.redeemed_at,
      redeemed_by_device = excluded.redeemed_by_device, updated_at = excluded.updated_at`);
  // A tenant's row may arrive after its positions in another page: positions/candidates reference tenants(id).
  const placeholderTenant = db.prepare(`INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at)
    VALUES (?, '(loading…)', '', 0, ?, '1970-01-01T00:00:00Z') ON CONFLICT (id) DO NOTHING`);

  return (table: PullTable, rows: unknown[]) => {
    switch (table) {
      case 'tenants':
        for (const r of rows as RemoteTenant[]) tenant.run(r);
        break;
      case 'positions':
        for (const r of rows as RemotePosition[]) {
          placeholderTenant.run(r.tenant_id, r.created_at);
          const persona = positionPersona(r);
          if (persona.problem) problems.push(persona.problem);
          position.run({
            id: r.id, tenant_id: r.tenant_id, title: r.title, description: r.description, competencies: JSON.stringify(r.competencies),
            language: r.language ?? null, turn_detection: r.turn_detection ?? null, persona: persona.json, created_at: r.created_at, updated_at: r.updated_at,
          });
        }
        break;
      case 'candidates':
        for (const r of rows as RemoteCandidate[]) {
          placeholderTenant.run(r.tenant_id, r.created_at);
          candidate.run(r);
        }
        break;
      case 'interview_invitations':
        for (const r of rows as RemoteInvitation[]) {
          const local = (invitationStatus.get(r.id) as { status: string } | undefined)?.status ?? null;
          if (acceptPulledInvitation(local, r.status)) invitation.run(r);
        }
        break;
    }
  };
}

/** Pulls every table until its pages run out. Stops at the first failure (the cursors already moved stay). */
export async function pullReferenceData(db: KioskDatabase, outbox: Outbox, remote: Remote, options: PullOptions = {}): Promise<PullOutcome> {
  const pageSize = options.pageSize ?? 500;
  const overlapMs = options.overlapMs ?? 60_000;
  const problems: string[] = [];
  const apply = applier(db, problems);
  let total = 0;
  for (const table of PULL_TABLES) {
    let cursor = outbox.cursor(table);
    let from = pullStart(cursor, overlapMs);
    let after: PullCursor | null = cursor;
    for (let page = 0; page < 10_000; page++) {
      const res = await remote.pullPage(table, after, from, pageSize);
      if (!res.ok) return { ok: false, error: res.error, table };
      const parsed = PULL_SCHEMAS[table].array().safeParse(res.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          ok: false, table,
          error: { status: 200, code: '', badAnswer: true, message: `rows of ${table} have the wrong shape (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})` },
        };
      }
      const rows = parsed.data as { id: string; updated_at: string }[];
      db.transaction(() => {
        apply(table, rows);
        for (const r of rows) cursor = laterCursor(cursor, { updatedAt: r.updated_at, id: r.id });
        if (cursor) outbox.setCursor(table, cursor);
      })();
      total += rows.length;
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1]!;
      after = { updatedAt: last.updated_at, id: last.id };
      from = null;
    }
  }
  // The tenant's key for checking typed codes offline (main/core/sync/codes.ts). A project without the function
  // (not yet migrated) simply gives no offline check.
  const key = await remote.rpc('device_code_key', {});
  if (key.ok && typeof key.value === 'string' && /^[0-9a-f]{64}$/.test(key.value)) outbox.setState('code_key', key.value);
  else if (!key.ok && classifyError(key.error) !== 'retry' && key.error.status !== 404) return { ok: false, error: key.error, table: 'tenants' };
  return { ok: true, rows: total, problems };
}
