// The review workspace (operator-gated): past interviews with search and filters, and one interview with its
// recording beside the transcript — clicking a line or a piece of evidence plays from that moment, the playing
// line follows the audio — the evaluation per competency, overrides beside it, dismissal, and exports.
// The evaluation is advice; a person decides. It never judges emotion, tone, voice or personality.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InterviewDetail, InterviewList, InterviewListQuery, KioskBridge, ReviewState } from '../../preload/contract';
import { activeLine, clock, mediaMs, timedLines, transcriptText, transcriptWebVtt } from '../logic/review';
import { warmUpIds } from '../logic/warm-up';
import { ErrorBox, ScreenHeading } from './common';

/** Interviews per page of the list (the core allows up to MAX_PAGE in one request). */
const PAGE = 50;
const MAX_PAGE = 500;
const REVIEW_STATES: ReviewState[] = ['none', 'queued', 'running', 'retrying', 'failed', 'assessed', 'insufficient_evidence', 'dismissed'];

function download(name: string, type: string, data: BlobPart): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Review(props: { kiosk: KioskBridge; onDone: () => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState<InterviewListQuery>({});
  const [list, setList] = useState<InterviewList | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  // The first page on a new query; a change elsewhere reloads as many rows as are shown (up to the largest page).
  const shown = useRef(PAGE);
  useEffect(() => {
    let live = true;
    shown.current = PAGE;
    props.kiosk.listInterviews({ ...query, limit: PAGE }).then((l) => live && setList(l), setError);
    const off = props.kiosk.on('review', () => void props.kiosk.listInterviews({ ...query, limit: shown.current }).then((l) => live && setList(l), () => undefined));
    return () => {
      live = false;
      off();
    };
  }, [props.kiosk, query]);

  function more(): void {
    if (!list?.nextCursor) return;
    props.kiosk.listInterviews({ ...query, limit: PAGE, cursor: list.nextCursor }).then((next) => {
      setList((l) => {
        const items = [...(l?.items ?? []), ...next.items];
        shown.current = Math.min(MAX_PAGE, items.length);
        return { items, total: next.total, nextCursor: next.nextCursor };
      });
    }, setError);
  }

  if (open) return <InterviewPage kiosk={props.kiosk} sessionId={open} onBack={() => setOpen(null)} />;
  const set = (patch: Partial<InterviewListQuery>) => setQuery((q) => ({ ...q, ...patch }));
  return (
    <section className="panel review">
      <ScreenHeading>{t('review.title')}</ScreenHeading>
      <p className="hint">{t('review.advice')}</p>
      <ErrorBox error={error} />
      <BackendPull kiosk={props.kiosk} />
      <div className="filters">
        <label>{t('review.search')} <input type="search" value={query.search ?? ''} onChange={(e) => set({ search: e.target.value || undefined })} /></label>
        <label>{t('review.from')} <input type="date" value={query.from ?? ''} onChange={(e) => set({ from: e.target.value || undefined })} /></label>
        <label>{t('review.to')} <input type="date" value={query.to ?? ''} onChange={(e) => set({ to: e.target.value || undefined })} /></label>
        <label>{t('review.status')}
          <select value={query.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as InterviewListQuery['status'] })}>
            <option value="">{t('review.any')}</option>
            {(['completed', 'failed', 'in_progress', 'scheduled'] as const).map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>{t('review.evaluation')}
          <select value={query.review ?? ''} onChange={(e) => set({ review: (e.target.value || undefined) as ReviewState | undefined })}>
            <option value="">{t('review.any')}</option>
            {REVIEW_STATES.map((s) => <option key={s} value={s}>{t(`review.state.${s}`)}</option>)}
          </select>
        </label>
      </div>
      <p role="status">{list ? t('review.count', { count: list.total }) : ''}</p>
      <table className="review-list">
        <thead><tr><th>{t('review.candidate')}</th><th>{t('review.position')}</th><th>{t('review.date')}</th><th>{t('review.status')}</th><th>{t('review.evaluation')}</th></tr></thead>
        <tbody>
          {list?.items.map((i) => (
            <tr key={i.session.id} data-source={i.source} data-session={i.session.id}>
              <td>
                <button type="button" className="link" onClick={() => setOpen(i.session.id)}>{i.session.candidateName}</button>
                {i.source === 'backend' && <>{' '}<span className="hint source-mark">({t('review.fromBackend')})</span></>}
              </td>
              <td>{i.session.positionTitle}</td>
              <td>{i.session.startedAt ? new Date(i.session.startedAt).toLocaleString() : '—'}</td>
              <td>{i.session.status}</td>
              <td data-review={i.review}>{t(`review.state.${i.review}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list?.nextCursor && <button type="button" onClick={more}>{t('review.more')}</button>}
      <button type="button" onClick={props.onDone}>{t('common.backToSetup')}</button>
    </section>
  );
}

/** A signed-in reviewer's pull of the company's interviews (every kiosk's) into the list above; how it went. */
function BackendPull(props: { kiosk: KioskBridge }) {
  const { t } = useTranslation();
  const [said, setSaid] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    props.kiosk.pullBackendInterviews().then((r) => live && setSaid(t('review.backendKept', { count: r.kept })), (err: unknown) => {
      if (!live) return;
      setSaid((err as { code?: unknown } | null)?.code === 'not_configured' ? t('review.backendSignIn') : err instanceof Error ? err.message : String(err));
    });
    return () => {
      live = false;
    };
  }, [props.kiosk]);
  return <p className="hint" data-testid="backend-pull">{t('review.backendTitle')}: {said ?? '…'}</p>;
}

function InterviewPage(props: { kiosk: KioskBridge; sessionId: string; onBack: () => void }) {
  const { t } = useTranslation();
  const { kiosk, sessionId } = props;
  const [detail, setDetail] = useState<InterviewDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [nowMs, setNowMs] = useState(0);
  const audio = useRef<HTMLAudioElement>(null);
  const [override, setOverride] = useState<{ competency: string; level: number; reason: string } | null>(null);
  const [dismissReason, setDismissReason] = useState('');

  const reload = () => kiosk.getInterview({ sessionId }).then(setDetail, setError);
  useEffect(() => {
    void reload();
    return kiosk.on('review', (e) => e.sessionId === sessionId && void reload());
  }, [kiosk, sessionId]);

  const lines = useMemo(() => (detail ? timedLines(detail.summary.entries) : []), [detail]);
  const warmUp = useMemo(() => (detail ? warmUpIds(detail.summary.entries, detail.summary.session.warmUp) : new Set<string>()), [detail]);
  const offsetMs = detail?.summary.recording?.startOffsetMs ?? null;
  const playing = activeLine(lines, nowMs, offsetMs);
  const names = { interviewer: t('review.interviewer'), candidate: t('review.candidateSpeaker') };

  function playFrom(ms: number | null): void {
    const el = audio.current;
    if (!el || ms === null) return;
    el.currentTime = mediaMs(ms, offsetMs) / 1000;
    void el.play().catch(() => undefined);
    document.getElementById(`line-${lines.find((l) => l.startMs === ms)?.id ?? ''}`)?.scrollIntoView({ block: 'nearest' });
  }

  async function act(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      await reload();
    } catch (err) {
      setError(err);
    }
  }

  if (!detail) return <section className="panel"><ErrorBox error={error} /><button type="button" onClick={props.onBack}>{t('common.back')}</button></section>;
  const { session } = detail.summary;
  const ev = detail.evaluation;
  const own = detail.source === 'local';
  const base = `${session.candidateName}-${session.positionTitle}`.replace(/[^\p{L}\p{N}-]+/gu, '_');
  return (
    <section className="panel review-interview" data-report>
      <ScreenHeading>{session.candidateName} — {session.positionTitle}</ScreenHeading>
      <p className="hint">{t('review.advice')}</p>
      <ErrorBox error={error} />
      <div className="no-print">
        <button type="button" onClick={props.onBack}>{t('common.back')}</button>
        <button type="button" onClick={() => download(`${base}.txt`, 'text/plain', transcriptText(detail.summary.entries, names))}>{t('review.exportText')}</button>
        <button type="button" onClick={() => download(`${base}.vtt`, 'text/vtt', transcriptWebVtt(detail.summary.entries, names, offsetMs))}>{t('review.exportVtt')}</button>
        <button type="button" onClick={() => void kiosk.exportReportPdf().then((r) => download(`${base}.pdf`, 'application/pdf', r.pdf as BlobPart), () => window.print())}>{t('review.exportPdf')}</button>
      </div>
      {!own && <p className="hint source-mark" data-source="backend">{t('review.fromBackendNote')}</p>}
      {detail.dismissal && <p className="warn" role="note">{t('review.dismissed', { reason: detail.dismissal.reason })}</p>}
      <div className="review-split">
        <div className="transcript-pane">
          {detail.recordingNote && <p className="hint" role="status" data-recording-note>{detail.recordingNote}</p>}
          {detail.recordingUrl && <audio ref={audio} controls preload="metadata" src={detail.recordingUrl} onTimeUpdate={(e) => setNowMs(e.currentTarget.currentTime * 1000)} />}
          <ol className="transcript">
            {lines.map((l, i) => (
              <li key={l.id} id={`line-${l.id}`} data-entry={l.id} data-start-ms={l.startMs ?? ''} aria-current={i === playing ? 'true' : undefined} className={i === playing ? 'playing' : ''}>
                <button type="button" className="link" onClick={() => playFrom(l.startMs)}>{clock(l.startMs ?? 0)}</button> <strong>{names[l.speaker]}:</strong> {l.text}
                {warmUp.has(l.id) && <span className="warm-up-mark"> ({t('review.warmUp')})</span>}
              </li>
            ))}
          </ol>
        </div>
        <div className="evaluation-pane">
          <h2>{t('review.evaluationTitle')}</h2>
          {!ev && <p role="status" data-job={detail.job?.state ?? 'none'}>{t(`review.state.${detail.job?.state ?? 'none'}`)}{detail.job?.lastError ? ` — ${detail.job.lastError}` : ''}</p>}
          {!ev && detail.job?.state === 'failed' && <button type="button" onClick={() => void act(() => kiosk.retryEvaluation({ sessionId }))}>{t('review.retry')}</button>}
          {ev && (
            <>
              <p className="hint">{t('review.rubricModel', { rubric: ev.rubric.version, model: ev.model })}</p>
              {ev.sessionReasons.length > 0 && (
                <div className="warn" data-outcome={ev.outcome}>
                  <strong>{t('review.insufficient')}</strong>
                  <ul>{ev.sessionReasons.map((r) => <li key={r.code}>{r.message}</li>)}</ul>
                </div>
              )}
              {ev.competencies.map((c) => {
                const overrides = detail.overrides.filter((o) => o.competency === c.competency);
                return (
                  <article key={c.competency} className="competency" data-competency={c.competency}>
                    <h3>{c.competency}: <span data-level={c.level ?? 'insufficient'}>{c.level === null ? t('review.insufficient') : `${c.level} · ${ev.rubric.levels.find((l) => l.level === c.level)?.label ?? ''}`}</span></h3>
                    {c.insufficient && <p className="hint">{c.insufficient.message}</p>}
                    <p>{c.rationale}</p>
                    <ul className="evidence">
                      {c.evidence.map((q) => (
                        <li key={`${q.entryId}-${q.quote}`}>
                          <button type="button" className="link quote" data-entry={q.entryId} data-start-ms={q.startMs ?? ''} onClick={() => playFrom(q.startMs)}>“{q.quote}”</button>
                          {q.startMs !== null && <span className="hint"> ({clock(q.startMs)})</span>}
                        </li>
                      ))}
                    </ul>
                    {overrides.map((o) => <p key={o.id} className="override">{t('review.overrideShown', { level: o.level, reason: o.reason })}</p>)}
                    {own && <button type="button" className="no-print" onClick={() => setOverride({ competency: c.competency, level: c.level ?? 1, reason: '' })}>{t('review.override')}</button>}
                  </article>
                );
              })}
            </>
          )}
          {override && (
            <form className="stack no-print" onSubmit={(e) => { e.preventDefault(); void act(() => kiosk.overrideCompetency({ sessionId, ...override })).then(() => setOverride(null)); }}>
              <h3>{t('review.overrideFor', { competency: override.competency })}</h3>
              <label>{t('review.level')}
                <select value={override.level} onChange={(e) => setOverride({ ...override, level: Number(e.target.value) })}>
                  {(ev?.rubric.levels ?? []).map((l) => <option key={l.level} value={l.level}>{l.level} · {l.label}</option>)}
                </select>
              </label>
              <label>{t('review.reason')} <textarea required minLength={3} value={override.reason} onChange={(e) => setOverride({ ...override, reason: e.target.value })} /></label>
              <button type="submit">{t('review.saveOverride')}</button>
              <button type="button" onClick={() => setOverride(null)}>{t('common.cancel')}</button>
            </form>
          )}
          {own && !detail.dismissal && (session.status === 'completed' || session.status === 'failed') && (
            <form className="stack no-print" onSubmit={(e) => { e.preventDefault(); void act(() => kiosk.dismissSession({ sessionId, reason: dismissReason })); }}>
              <label>{t('review.dismissReason')} <input value={dismissReason} minLength={3} required onChange={(e) => setDismissReason(e.target.value)} /></label>
              <button type="submit">{t('review.dismiss')}</button>
            </form>
          )}
        </div>
      </div>
    </section>
  );
}
