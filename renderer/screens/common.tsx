// Small shared pieces: a heading that takes focus when its screen appears (keyboard and screen-reader users land
// on the new screen, not on a vanished button), and the error box in words.
import { useEffect, useRef, type ReactNode } from 'react';
import { errorMessage } from '../logic/format';

export function ScreenHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function ErrorBox({ error, children }: { error: unknown; children?: ReactNode }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="error" role="alert">
      <p>{errorMessage(error)}</p>
      {children}
    </div>
  );
}
