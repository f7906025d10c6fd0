// The operator's own controls, shown on the admin screens once the gate has opened: choose or change the PIN,
// lock now, and quit the kiosk (main exits with the operator exit code, which a supervisor does not restart).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskBridge, OperatorLockState } from '../../preload/contract';
import { ErrorBox } from './common';

const PIN = /^\d{6,12}$/; // main also refuses common PINs, and says why

export function AdminPanel(props: { kiosk: KioskBridge; onLocked: () => void }) {
  const { t } = useTranslation();
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
    newPin && !PIN.test(newPin) ? t('admin.pinRule') : again && again !== newPin ? t('admin.pinsDiffer') : '';

  return (
    <section className="panel" aria-labelledby="admin-title">
      <h2 id="admin-title">{t('admin.title')}</h2>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {status}
      </p>
      {state && !state.pinSet && (
        <p className="warn">{t('admin.noPin')}</p>
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
          void run(() => kiosk.setOperatorPin(request), t('admin.pinSaved'), setState);
        }}
      >
        {state?.pinSet && (
          <label className="field">
            <span>{t('admin.currentPin')}</span>
            <input type="password" inputMode="numeric" value={currentPin} onChange={(e) => setCurrentPin(e.target.value.replace(/\D/g, ''))} autoComplete="off" />
          </label>
        )}
        <label className="field">
          <span>{state?.pinSet ? t('admin.newPin') : t('admin.operatorPin')}</span>
          <input type="password" inputMode="numeric" value={newPin} onChange={(e) => setNewPin(e.target.value.replace(/\D/g, ''))} autoComplete="off" />
        </label>
        <label className="field">
          <span>{t('admin.pinAgain')}</span>
          <input type="password" inputMode="numeric" value={again} onChange={(e) => setAgain(e.target.value.replace(/\D/g, ''))} autoComplete="off" />
        </label>
        {pinProblem && <p className="warn">{pinProblem}</p>}
        <div className="actions">
          <button type="submit" disabled={busy || !newPin || again !== newPin || !!pinProblem || (state?.pinSet === true && !currentPin)}>
            {state?.pinSet ? t('admin.changePin') : t('admin.setPin')}
          </button>
        </div>
      </form>
      <div className="actions">
        {state?.pinSet && (
          <button type="button" disabled={busy} onClick={() => void run(() => kiosk.lockOperator(), t('admin.locked'), () => props.onLocked())}>
            {t('admin.lockNow')}
          </button>
        )}
        {!confirmQuit && (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirmQuit(true)}>
            {t('admin.quit')}
          </button>
        )}
        {confirmQuit && (
          <>
            <span>{t('admin.quitConfirm')}</span>
            <button type="button" className="danger" autoFocus disabled={busy} onClick={() => void run(() => kiosk.quitApp(), t('admin.closing'))}>
              {t('admin.quitYes')}
            </button>
            <button type="button" onClick={() => setConfirmQuit(false)}>
              {t('common.cancel')}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
