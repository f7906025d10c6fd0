// Which KioskApi requests are operator-only, and the wrapper that enforces it main-side. The renderer hides the
// admin screens behind the PIN pad too, but the check that counts is here: a page that calls the API directly
// gets operator_locked, and nothing changes.
import { OPERATOR_METHODS, type KioskApi, type OperatorMethod } from '../../../preload/contract';
import type { OperatorLock } from './lock';

/** The operator-only methods: those marked so in the contract table (changes to settings, secrets, the backend
 * or the sync queue, and quitting). Reads stay open. */
export const ADMIN_METHODS: readonly OperatorMethod[] = OPERATOR_METHODS;

/** What each one does, for the refusal's words (a method marked operator-only without words fails to compile). */
const WHAT: Record<OperatorMethod, string> = {
  updateSettings: 'Changing the settings',
  authorizeCandidate: 'Starting an interview for a chosen candidate',
  setOpenAIKey: 'Setting the OpenAI key',
  clearOpenAIKey: 'Removing the OpenAI key',
  configureBackend: 'Changing the backend',
  exportQueue: 'Exporting the upload queue',
  signInDevice: 'Signing the kiosk in',
  signOutDevice: 'Signing the kiosk out',
  retryQuarantined: 'Retrying refused uploads',
  quitApp: 'Quitting the kiosk',
  listInterviews: 'Listing past interviews',
  getInterview: 'Opening a past interview',
  overrideCompetency: 'Overriding an evaluation',
  dismissSession: 'Dismissing an interview',
  retryEvaluation: 'Retrying an evaluation',
  exportReportPdf: 'Exporting a report',
  signInObserver: 'Signing in to the room view',
  signOutObserver: 'Signing out of the room view',
  getRoom: 'Opening the room view',
  followSession: 'Following a live interview',
  pullBackendInterviews: 'Pulling the company\'s interviews from the backend',
  getOperatorNotices: 'Reading the operator notices',
};

/** Replaces the admin methods of `api` with checked ones; a new interview locks the operator screens. */
export function guardAdminMethods(api: KioskApi, lock: OperatorLock): void {
  const target = api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ADMIN_METHODS) {
    const inner = target[method]!;
    target[method] = async (...args: unknown[]) => {
      lock.requireAdmin(WHAT[method]);
      return inner.apply(api, args);
    };
  }
  const createSession = target.createSession!;
  target.createSession = async (...args: unknown[]) => {
    lock.lock(); // the candidate takes over the screen: the admin screens must not stay open behind them
    return createSession.apply(api, args);
  };
}
