// The candidate's side outside the call: declining the interview after the disclosure (no session; the operator is
// told), and the operator's list of notices. Who may read the notices is the operator gate's business.
import { KioskError, type KioskSlice } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import type { KioskStore } from '../db/store';
import { createNoticeStore } from './notices';

export function createCandidateFeature(deps: { db: KioskDatabase; store: KioskStore; log: (line: string) => void }) {
  const notices = createNoticeStore(deps.db);
  const api = {
    async declineInterview({ candidateId, positionId, noticeVersion, language }) {
      const candidate = deps.store.candidate(candidateId);
      const position = deps.store.position(positionId);
      if (!candidate || !position || candidate.tenantId !== position.tenantId) {
        throw new KioskError('not_found', 'This candidate or position is not on this kiosk.');
      }
      const notice = notices.add({ kind: 'declined', candidateId, positionId, detail: { noticeVersion, language } });
      deps.log(`a candidate declined the interview (notice ${notice.id}); no session was created`);
      return notice;
    },
    async getOperatorNotices() {
      return notices.list();
    },
  } satisfies KioskSlice<'declineInterview' | 'getOperatorNotices'>;
  return { api, notices };
}
