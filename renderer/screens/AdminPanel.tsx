// The operator's own controls, shown on the admin screens once the gate has opened: choose or change the PIN,
// lock now, and quit the kiosk (main exits with the operator exit code, which a supervisor does not restart).
import { useEffect, useState } from 'react';
import type { KioskBridge, OperatorLockState } from '../../preload/contract';
import { ErrorBox } from './common';

const PIN = /^\d{4,12}$/;

export function AdminPanel(props: { kiosk: KioskBridge; onLocked: () => void }) {
  const { kiosk } = props;
  const [state, setState] = useState<OperatorLockState | null>(null);
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirmQuit, setConfirmQuit] = useState(false);

  useEffect(() => {
    kiosk.getOperatorLockState().then(setState, setError);
  }, [kiosk]);

  async function run<T>(action: () => Promise<T>, done: string, after?: (value: T) => void) {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const value = await action();
      setStatus(done);
      after?.(value);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const pinProblem =
    newPin && !PIN.test(newPin) ? 'A PIN is 4 to 12 digits.' : again && again !== newPin ? 'The two new PINs differ.' : '';

  return (
    <section className="panel" aria-labelledby="admin-title">
      <h2 id="admin-title">Operator PIN and quitting</h2>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {status}
      </p>
      {state && !state.pinSet && (
        <p className="warn">No operator PIN is set: anyone at this computer can open these screens. Choose one below.</p>
      )}
      <form
        className="stack"
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          if (pinProblem || !newPin || again !== newPin) return;
          const request = state?.pinSet ? { currentPin, newPin } : { newPin };
          setCurrentPin('');
          setNewPin('');
          setAgain('');
          void run(() => kiosk.setOperatorPin(request), 'The operator PIN was saved.', setState);
        }}
      >
        {state?.pinSet && (
          <label className="field">
            <span>Current PIN</span>
            <input type="password" inputMode="numeric" value={currentPin} onChange={(e) => setCurrentPin(e.target.value.replace(/\D/g, ''))} autoComplete="off" />
          </label>
        )}
        <label className="field">
          <span>{state?.pinSet ? 'New PIN' : 'Operator PIN'} (4 to 12 digits)</span>
          <input type="password" inputMode="numeric" value={newPin} onChange={(e) => setNewPin(e.target.value.replace(/\D/g, ''))} autoComplete="off" />
        </label>
        <label className="field">
          <span>The same PIN again</span>
          <input type="password" inputMode="numeric" value={again} onChange={(e) => setAgain(e.target.value.replace(/\D/g, ''))} autoComplete="off" />
        </label>
        {pinProblem && <p className="warn">{pinProblem}</p>}
        <div className="actions">
          <button type="submit" disabled={busy || !newPin || again !== newPin || !!pinProblem || (state?.pinSet === true && !currentPin)}>
            {state?.pinSet ? 'Change PIN' : 'Set PIN'}
          </button>
        </div>
      </form>
      <div className="actions">
        {state?.pinSet && (
          <button type="button" disabled={busy} onClick={() => void run(() => kiosk.lockOperator(), 'Locked.', () => props.onLocked())}>
            Lock now
          </button>
        )}
        {!confirmQuit && (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirmQuit(true)}>
            Quit the kiosk…
          </button>
        )}
        {confirmQuit && (
          <>
            <span>Quit the kiosk app? A kiosk supervisor does not restart it after an operator quit.</span>
            <button type="button" className="danger" autoFocus disabled={busy} onClick={() => void run(() => kiosk.quitApp(), 'The kiosk is closing…')}>
              Yes, quit
            </button>
            <button type="button" onClick={() => setConfirmQuit(false)}>
              Cancel
            </button>
          </>
        )}
      </div>
    </section>
  );
}
