// The operator PIN pad and the gate in front of every admin screen. Keyboard operable: the PIN field takes focus
// and accepts typed digits and Enter; the on-screen digits are ordinary buttons (Tab + Enter/Space) for touch
// screens. The check that counts is main-side (main/core/operator): this gate only decides what to show.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskBridge, OperatorLockState } from '../../preload/contract';
import { ErrorBox, ScreenHeading } from './common';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** Seconds left in a pause, counted down from the state main reported. */
function useCountdown(state: OperatorLockState | null, onOver: () => void): number {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!state || state.retryInMs <= 0) {
      setLeft(0);
      return;
    }
    const until = Date.now() + state.retryInMs;
    const tick = () => {
      const ms = until - Date.now();
      setLeft(Math.max(0, Math.ceil(ms / 1000)));
      if (ms <= 0) {
        clearInterval(timer);
        onOver();
      }
    };
    const timer = setInterval(tick, 250);
    tick();
    return () => clearInterval(timer);
  }, [state]);
  return left;
}

export function PinPad(props: {
  title: string;
  label: string;
  submitLabel: string;
  busy: boolean;
  disabled?: boolean;
  onSubmit: (pin: string) => void;
  onCancel?: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const off = props.busy || props.disabled === true;
  const submit = () => {
    if (off || pin.length < 4) return;
    const value = pin;
    setPin(''); // never keep the PIN in the page longer than needed
    props.onSubmit(value);
  };
  useEffect(() => {
    if (!off) input.current?.focus();
  }, [off]);
  return (
    <section className="screen" aria-labelledby="pin-title">
      <ScreenHeading>
        <span id="pin-title">{props.title}</span>
      </ScreenHeading>
      {props.children}
      <form
        className="stack pin-pad"
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="field">
          <span>{props.label}</span>
          <input
            ref={input}
            type="password"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={12}
            value={pin}
            disabled={off}
            autoComplete="off"
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 12))}
          />
        </label>
        <div className="pin-keys" role="group" aria-label={t('pin.digits')}>
          {DIGITS.map((d) => (
            <button key={d} type="button" disabled={off} onClick={() => setPin((p) => (p + d).slice(0, 12))}>
              {d}
            </button>
          ))}
          <button type="button" disabled={off || pin.length === 0} onClick={() => setPin((p) => p.slice(0, -1))} aria-label={t('pin.deleteDigit')}>
            ⌫
          </button>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={off || pin.length < 4}>
            {props.submitLabel}
          </button>
          {props.onCancel && (
            <button type="button" onClick={props.onCancel}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/**
 * Shows `children` (an admin screen) only when main says admin requests are allowed: after the PIN, or on a
 * recruiter desk that has not chosen a PIN yet. In kiosk mode without a PIN, the first visit chooses one.
 * Leaving the admin screen in kiosk mode locks it again.
 */
export function OperatorGate(props: { kiosk: KioskBridge; onCancel: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const { kiosk } = props;
  const [state, setState] = useState<OperatorLockState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => kiosk.getOperatorLockState().then(setState, setError);
  const secondsLeft = useCountdown(state, () => void refresh());

  useEffect(() => {
    void refresh();
    return () => {
      // The candidate gets the screen next: in kiosk mode, leave nothing unlocked behind.
      void kiosk.getOperatorLockState().then((s) => (s.kioskMode ? kiosk.lockOperator() : s), () => undefined);
    };
  }, [kiosk]);

  async function attempt(action: () => Promise<OperatorLockState>) {
    setBusy(true);
    setError(null);
    try {
      setState(await action());
    } catch (err) {
      setError(err);
      await refresh(); // a pause shows up in the state (retryInMs)
    } finally {
      setBusy(false);
    }
  }

  // Loading, or (kiosk mode without a PIN) not provisioned: main refuses a PIN chosen here (the first visitor
  // would own the kiosk); an administrator sets it at the machine.
  if (!state || !state.pinSet && !state.adminOpen) {
    return (
      <section className="screen" {...(state ? { 'aria-labelledby': 'pin-title' } : {})}>
        {state && (
          <ScreenHeading>
            <span id="pin-title">{t('pin.notProvisionedTitle')}</span>
          </ScreenHeading>
        )}
        <ErrorBox error={error} />
        {state ? <p>{t('pin.notProvisioned')}</p> : !error && <p aria-live="polite">{t('pin.checking')}</p>}
        <div className="actions">
          <button type="button" onClick={props.onCancel}>
            {t('common.back')}
          </button>
        </div>
      </section>
    );
  }
  if (state.adminOpen) {
    const failed = state.failedBeforeUnlock;
    return (
      <>
        {failed && failed.count > 0 && (
          <p className="warn" role="alert">
            {t('pin.failedSinceUnlock', { count: failed.count, when: failed.lastAt ? new Date(failed.lastAt).toLocaleString() : '' })}
          </p>
        )}
        {props.children}
      </>
    );
  }

  const paused = secondsLeft > 0;
  const notice = (
    <>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {paused
          ? t('pin.paused', { seconds: secondsLeft })
          : state.pinSet && state.attemptsLeft < 3
            ? t('pin.triesLeft', { count: state.attemptsLeft })
            : ''}
      </p>
    </>
  );

  return (
    <PinPad
      title={t('pin.title')}
      label={t('pin.title')}
      submitLabel={t('pin.unlock')}
      busy={busy}
      disabled={paused}
      onCancel={props.onCancel}
      onSubmit={(pin) => void attempt(() => kiosk.unlockOperator({ pin }))}
    >
      {notice}
    </PinPad>
  );
}
