// Operator notices: a candidate who declined the interview (no session exists, so the notice is the only trace),
// or a candidate who asked for help during one. Kept in SQLite so a restart does not lose them; read by the
// operator (an admin request) on the operator screen.
import { randomUUID } from 'node:crypto';
import type { OperatorNotice } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';

interface NoticeRow {
  id: string;
  kind: OperatorNotice['kind'];
  session_id: string | null;
  created_at: string;
  resolved_at: string | null;
  candidate_name: string;
  position_title: string;
}

export interface NoticeStore {
  add(n: { kind: OperatorNotice['kind']; candidateId: string; positionId: string; sessionId?: string | null; detail?: Record<string, unknown> }): OperatorNotice;
  list(limit?: number): OperatorNotice[];
}

export function createNoticeStore(db: KioskDatabase, now: () => string = () => new Date().toISOString()): NoticeStore {
  const insert = db.prepare(`INSERT INTO operator_notices (id, kind, candidate_id, position_id, session_id, detail, created_at)
    VALUES (@id, @kind, @candidate_id, @position_id, @session_id, @detail, @created_at)`);
  const select = `SELECT n.id, n.kind, n.session_id, n.created_at, n.resolved_at, c.name AS candidate_name, p.title AS position_title
    FROM operator_notices n JOIN candidates c ON c.id = n.candidate_id JOIN positions p ON p.id = n.position_id`;
  const one = db.prepare(`${select} WHERE n.id = ?`);
  const recent = db.prepare(`${select} ORDER BY n.created_at DESC, n.id LIMIT ?`);
  const view = (r: NoticeRow): OperatorNotice => ({
    id: r.id,
    kind: r.kind,
    candidateName: r.candidate_name,
    positionTitle: r.position_title,
    sessionId: r.session_id,
    at: r.created_at,
    ...(r.kind === 'help' ? { resolvedAt: r.resolved_at } : {}),
  });
  return {
    add(n) {
      const id = randomUUID();
      insert.run({
        id, kind: n.kind, candidate_id: n.candidateId, position_id: n.positionId, session_id: n.sessionId ?? null,
        detail: JSON.stringify(n.detail ?? {}), created_at: now(),
      });
      return view(one.get(id) as NoticeRow);
    },
    list(limit = 100) {
      return (recent.all(limit) as NoticeRow[]).map(view);
    },
  };
}
