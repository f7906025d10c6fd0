// After the interview, in Chromium through the web host and the practice emulator: a recorded interview completes,
// its evaluation (the emulator's POST /v1/responses through the core's job) appears in the review workspace with
// one result per competency; every quote shown is verbatim in the transcript SQLite holds; clicking a quote plays
// the recording from its line's start; the exported PDF (Chromium's print to PDF, as Electron's printToPDF in the
// app) names the candidate, the position, every competency and its evidence; the exported WebVTT, parsed by
// Chromium's own WebVTT parser, has one cue per timed line. An interview whose transcriptions failed (emulator
// fault) is not scored: insufficient evidence, no level, no model asked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright';
import { ANSWERS } from '../integration/evaluation/support';
import { decodeRecording, readDatabase, startInterview, waitForSummary, withKiosk, type EntryRow } from './support-interview';

const INTERVIEW_LIMIT_MS = 120_000;
/** What the emulator's transcription reports for the fake mic's four answers: the fixture's own sentences are
 * too short to assess (the quality gate wants 60 words), so it reports answers long enough, one per competency. */
const TRANSCRIPTS = [...ANSWERS];
/** The evaluation runs after the interview ends: one model request in practice mode, retried with backoff. */
const EVALUATION_LIMIT_MS = 60_000;

interface SessionFacts {
  id: string;
  candidate: string;
  position: string;
  competencies: string[];
}

function sessionFacts(dbFile: string): SessionFacts {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT s.id, c.name AS candidate, p.title AS position, p.competencies FROM interview_sessions s
      JOIN candidates c ON c.id = s.candidate_id JOIN positions p ON p.id = s.position_id`).all() as { id: string; candidate: string; position: string; competencies: string }[];
    assert.equal(rows.length, 1, 'one interview on this kiosk');
    const r = rows[0]!;
    return { id: r.id, candidate: r.candidate, position: r.position, competencies: JSON.parse(r.competencies) as string[] };
  } finally {
    db.close();
  }
}

function storedEvaluations(dbFile: string): { outcome: string; competencies: { competency: string; level: number | null }[] }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT outcome, competencies FROM evaluations').all() as { outcome: string; competencies: string }[])
      .map((r) => ({ outcome: r.outcome, competencies: JSON.parse(r.competencies) }));
  } finally {
    db.close();
  }
}

/** Summary → setup → the review workspace (recruiter mode, no PIN chosen: open) → the one interview's page. */
async function openReview(page: Page, facts: SessionFacts): Promise<void> {
  await page.getByRole('button', { name: 'New interview' }).click();
  await page.getByRole('button', { name: 'Past interviews' }).click();
  await page.getByRole('heading', { name: 'Past interviews' }).waitFor({ timeout: 10_000 });
  await page.getByRole('status').getByText('1 interview').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: facts.candidate }).click();
  await page.getByRole('heading', { name: `${facts.candidate} — ${facts.position}` }).waitFor({ timeout: 10_000 });
}

interface ShownCompetency {
  competency: string;
  level: string;
  quotes: { entryId: string; startMs: string; text: string }[];
}

async function shownEvaluation(page: Page): Promise<ShownCompetency[]> {
  return page.$$eval('article.competency', (articles) =>
    articles.map((a) => ({
      competency: a.getAttribute('data-competency') ?? '',
      level: a.querySelector('[data-level]')?.getAttribute('data-level') ?? '',
      quotes: [...a.querySelectorAll('button.quote')].map((b) => ({
        entryId: b.getAttribute('data-entry') ?? '',
        startMs: b.getAttribute('data-start-ms') ?? '',
        text: b.textContent ?? '',
      })),
    })),
  );
}

/** The quote as shown, without the typographic quotation marks around it. */
const unquote = (shown: string) => {
  const m = /^“([\s\S]*)”$/.exec(shown);
  assert.ok(m, `a quote is shown in quotation marks: ${shown}`);
  return m[1]!;
};

/** pdftotext's words with all whitespace (line and column breaks) as single spaces. */
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Clicks a quote and watches the page's media element: where the seek the click started landed (currentTime at
 * its `seeked` event), and that playback then runs on from there (currentTime advances while not paused).
 */
async function clickQuoteAndPlay(page: Page, index: number): Promise<{ seekedAt: number; playedTo: number }> {
  await page.evaluate(() => {
    const audio = document.querySelector('audio')!;
    const w = window as unknown as { __seeks: number[] };
    w.__seeks = [];
    audio.addEventListener('seeked', () => w.__seeks.push(audio.currentTime));
  });
  await page.locator('button.quote').nth(index).click();
  await page.waitForFunction(() => (window as unknown as { __seeks: number[] }).__seeks.length > 0, undefined, { timeout: 15_000 });
  const seekedAt = await page.evaluate(() => (window as unknown as { __seeks: number[] }).__seeks[0]!);
  // It really plays: not paused, data decoded, and the clock runs past the seek point by half a second.
  const handle = await page.waitForFunction(
    (from) => {
      const a = document.querySelector('audio')!;
      return !a.paused && !a.seeking && a.readyState >= 2 && a.currentTime >= from + 0.5 ? a.currentTime : false;
    },
    seekedAt,
    { timeout: 15_000 },
  );
  const playedTo = (await handle.jsonValue()) as number;
  await page.evaluate(() => document.querySelector('audio')!.pause());
  return { seekedAt, playedTo };
}

/** The timed lines of the transcript (what the WebVTT export and the transcript pane show). */
const timed = (entries: EntryRow[]) => entries.filter((e) => e.start_ms !== null && e.text.trim() !== '' && e.status !== 'failed');

interface ParsedCue {
  id: string;
  start: number;
  end: number;
  raw: string;
  text: string;
}

/** Parses WebVTT with Chromium's own parser: a <track> on a media element in a blank page, its cues read back. */
async function parseWebVtt(page: Page, vtt: string): Promise<ParsedCue[]> {
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(async (text) => {
      const video = document.createElement('video');
      const track = document.createElement('track');
      track.kind = 'subtitles';
      track.src = URL.createObjectURL(new Blob([text], { type: 'text/vtt' }));
      video.append(track);
      document.body.append(video);
      track.track.mode = 'hidden';
      await new Promise<void>((ok, fail) => {
        track.addEventListener('load', () => ok());
        track.addEventListener('error', () => fail(new Error('Chromium could not parse the WebVTT')));
      });
      return [...(track.track.cues ?? [])].map((c) => {
        const cue = c as VTTCue;
        return { id: cue.id, start: cue.startTime, end: cue.endTime, raw: cue.text, text: cue.getCueAsHTML().textContent ?? '' };
      });
    }, vtt);
  } finally {
    await blank.close();
  }
}

describe('review workspace end to end (Chromium + web host + emulator)', { timeout: 500_000 }, () => {
  it('interview → evaluation per competency with verbatim quotes → a quote plays the recording from its line; PDF and WebVTT exports', { timeout: 240_000 }, async (t) => {
    let printPage: Page | null = null;
    // Chromium's print to PDF of the page on screen, as Electron's webContents.printToPDF in the app (main/app.ts).
    const printToPdf = async () => new Uint8Array(await printPage!.pdf({ printBackground: true, format: 'A4' }));
    await withKiosk({ emulator: { userTranscripts: TRANSCRIPTS, candidates: 'loopback' }, printToPdf }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      printPage = page;
      await startInterview(page); // consent to the recording is given there
      await waitForSummary(page, INTERVIEW_LIMIT_MS);
      const facts = sessionFacts(host.dbFile);
      const db = readDatabase(host.dbFile);
      assert.equal(db.sessions[0]!.recording_consent, 1);
      const entries = db.entries.filter((e) => e.session_id === facts.id);
      const recording = db.recordings.find((r) => r.session_id === facts.id);
      assert.ok(recording && recording.finalized === 1 && recording.bytes > 0, 'a finished recording');
      // The recorder starts after the interview (once the call is up): its start offset is stored with the recording,
      // and the recording's time for a line is start_ms minus it.
      const offset = recording.start_offset_ms ?? null;
      assert.ok(offset !== null && Number.isInteger(offset) && offset > 0, `the recorder's start offset is stored (${offset})`);
      const inRecording = (startMs: number) => Math.max(0, startMs - offset);

      await openReview(page, facts);
      // The evaluation appears when its job is done (the page follows the job's events): one result per competency.
      await page.locator('article.competency').first().waitFor({ timeout: EVALUATION_LIMIT_MS });
      const shown = await shownEvaluation(page);
      assert.deepEqual(shown.map((c) => c.competency), facts.competencies, 'one result per competency of the position, in order');
      const stored = storedEvaluations(host.dbFile);
      assert.equal(stored.length, 1, 'one evaluation stored');
      assert.equal(stored[0]!.outcome, 'assessed');
      for (const c of shown) assert.match(c.level, /^[1-4]$/, `${c.competency} has a level on the rubric`);

      // Every quote shown is verbatim in the candidate's stored entry it links to, with that entry's start.
      const quotes = shown.flatMap((c) => c.quotes.map((q) => ({ ...q, competency: c.competency })));
      assert.ok(quotes.length >= facts.competencies.length, `evidence is shown (${quotes.length} quotes)`);
      for (const c of shown) assert.ok(c.quotes.length > 0, `${c.competency} shows its evidence`);
      for (const q of quotes) {
        const entry = entries.find((e) => e.id === q.entryId);
        assert.ok(entry, `the quote for ${q.competency} links to a stored entry (${q.entryId})`);
        assert.equal(entry.speaker, 'candidate', 'evidence is the candidate\'s words');
        const text = unquote(q.text);
        assert.ok(text.trim().length > 0, `the quote for ${q.competency} is not empty`);
        assert.ok(entry.text.includes(text), `"${text}" is verbatim in the stored entry "${entry.text}"`);
        assert.ok(entry.start_ms !== null, `the quoted entry ${entry.id} has a start_ms: ${JSON.stringify(entry)}`);
        assert.equal(q.startMs, String(entry.start_ms), 'the quote carries its line\'s start_ms');
      }

      // Clicking a quote plays the recording from within 1 s of its line's place in the recording (start_ms minus the
      // recorder's start offset); the line it belongs to becomes the playing line. One quote per competency (each links to a different moment, or the same one again).
      const { rmsPerHalfSecond, durationSec } = await decodeRecording(page, join(host.dataDir, 'recordings', recording.file_name));
      const session = db.sessions[0]!;
      t.diagnostic(`recording ${durationSec.toFixed(2)} s; interview ${((Date.parse(session.end_time!) - Date.parse(session.start_time!)) / 1000).toFixed(2)} s; answers at ${entries.filter((e) => e.speaker === 'candidate').map((e) => e.start_ms).join(', ')}`);
      t.diagnostic(`rms/0.5 s: ${rmsPerHalfSecond.map((r) => (r > 0.01 ? '#' : '.')).join('')}`);
      const firsts = shown.map((c) => quotes.findIndex((q) => q.competency === c.competency));
      for (const index of firsts) {
        const q = quotes[index]!;
        const startMs = Number(q.startMs);
        const { seekedAt, playedTo } = await clickQuoteAndPlay(page, index);
        const target = inRecording(startMs);
        t.diagnostic(`${q.competency}: line starts ${startMs} ms (recording offset ${offset} ms); seek landed at ${(seekedAt * 1000).toFixed(0)} ms; played to ${(playedTo * 1000).toFixed(0)} ms`);
        assert.ok(Math.abs(seekedAt * 1000 - target) <= 1000, `${q.competency}: playback starts at ${seekedAt.toFixed(3)} s, within 1 s of ${target} ms (${startMs} - ${offset})`);
        assert.ok(playedTo > seekedAt, 'and runs on from there');
        const current = await page.locator('ol.transcript > li[aria-current="true"]').getAttribute('data-entry');
        assert.equal(current, q.entryId, 'the quote\'s line is the playing line');
        // Shown, not asserted (the loopback candidate's voice level varies): speech in the recording where the line is.
        const at = Math.floor(target / 500);
        const loudest = Math.max(...rmsPerHalfSecond.slice(at, at + 4));
        if (loudest <= 0.01) t.diagnostic(`no speech in the recording in the 2 s from ${target} ms (RMS ${loudest.toFixed(4)})`);
      }

      // PDF export through the page's button and the KioskApi; its text names the candidate, the position, every
      // competency and every quote of its evidence.
      const work = mkdtempSync(join(tmpdir(), 'kiosk-review-e2e-'));
      try {
        const [pdfDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export report (PDF)' }).click()]);
        const pdfFile = join(work, 'report.pdf');
        await pdfDownload.saveAs(pdfFile);
        assert.equal(readFileSync(pdfFile).subarray(0, 5).toString('latin1'), '%PDF-');
        const pdfText = flat(execFileSync('pdftotext', ['-enc', 'UTF-8', pdfFile, '-'], { encoding: 'utf8' }));
        for (const expected of [facts.candidate, facts.position, ...facts.competencies, ...quotes.map((q) => unquote(q.text))]) {
          assert.ok(pdfText.includes(flat(expected)), `the PDF contains "${expected}"`);
        }

        // WebVTT export: Chromium's parser reads one cue per timed line, with its id, start, speaker and text.
        const [vttDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export transcript (WebVTT)' }).click()]);
        const vttFile = join(work, 'transcript.vtt');
        await vttDownload.saveAs(vttFile);
        const vtt = readFileSync(vttFile, 'utf8');
        // Cues are listed in start-time order (WebVTT cue timings), whatever the conversation order.
        const listed = [...vtt.matchAll(/^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> /gm)].map((m) => ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]));
        assert.deepEqual(listed, [...listed].sort((a, b) => a - b), 'cues are listed by start time');
        const cues = await parseWebVtt(page, vtt);
        const lines = timed(entries);
        assert.equal(cues.length, lines.length, 'one cue per timed line');
        assert.deepEqual(cues.map((c) => c.id).sort(), lines.map((l) => l.id).sort(), 'a cue for each timed line, by its entry id');
        const byStart = [...lines].sort((a, b) => a.start_ms! - b.start_ms! || a.seq - b.seq);
        for (const [i, line] of byStart.entries()) {
          const cue = cues.find((c) => c.id === line.id)!;
          assert.equal(Math.round(cue.start * 1000), inRecording(line.start_ms!), `cue ${line.id} starts at the line's place in the recording`);
          assert.ok(cue.end > cue.start, `cue ${line.id} ends after it starts`);
          const next = byStart[i + 1];
          if (next && inRecording(next.start_ms!) > inRecording(line.start_ms!)) assert.equal(Math.round(cue.end * 1000), inRecording(next.start_ms!), `cue ${line.id} ends where the next line starts`);
          assert.ok(cue.raw.startsWith(`<v ${line.speaker === 'candidate' ? 'Candidate' : 'Interviewer'}>`), `cue ${line.id} names its speaker`);
          assert.equal(cue.text, line.text.trim(), `cue ${line.id} holds the line's text`);
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });

  it('failed transcriptions (emulator fault): insufficient evidence with the reason, no level, no model asked', { timeout: 200_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: TRANSCRIPTS, candidates: 'loopback', faults: { transcriptionFailure: true } } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await startInterview(page);
      await waitForSummary(page, INTERVIEW_LIMIT_MS);
      const facts = sessionFacts(host.dbFile);
      const entries = readDatabase(host.dbFile).entries.filter((e) => e.session_id === facts.id);
      const answers = entries.filter((e) => e.speaker === 'candidate');
      assert.ok(answers.length >= 3, `the candidate answered (${answers.length} turns)`);
      assert.ok(answers.every((e) => e.status === 'failed'), 'every answer is stored as a failed transcription');

      await openReview(page, facts);
      const verdict = page.locator('[data-outcome="insufficient_evidence"]');
      await verdict.waitFor({ timeout: EVALUATION_LIMIT_MS });
      assert.match((await verdict.textContent()) ?? '', /failed to transcribe/);
      const shown = await shownEvaluation(page);
      assert.deepEqual(shown.map((c) => c.competency), facts.competencies);
      for (const c of shown) {
        assert.equal(c.level, 'insufficient', `${c.competency}: no level`);
        assert.deepEqual(c.quotes, [], `${c.competency}: no evidence`);
      }
      const stored = storedEvaluations(host.dbFile);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.outcome, 'insufficient_evidence');
      assert.ok(stored[0]!.competencies.every((c) => c.level === null), 'no level stored');
      assert.equal(host.emulator()!.responseRequests(), 0, 'the model was never asked');
      // The list says so too.
      await page.getByRole('button', { name: 'Back', exact: true }).click();
      await page.locator('td[data-review="insufficient_evidence"]').waitFor({ timeout: 10_000 });
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
