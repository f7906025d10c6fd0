// The transcript as shown: main pushes changed entries; the screen keeps the latest version of each (by id)
// and shows them in conversation order (seq), never arrival order.
import type { TranscriptEntryView } from '../../preload/contract';
import { t } from '../i18n';

export type EntryMap = ReadonlyMap<string, TranscriptEntryView>;

/** Merge pushed entries into the known ones. A push replaces the entry with the same id. */
export function mergeEntries(current: EntryMap, incoming: readonly TranscriptEntryView[]): Map<string, TranscriptEntryView> {
  const next = new Map(current);
  for (const entry of incoming) next.set(entry.id, entry);
  return next;
}

/** Entries in conversation order; ties (should not happen) fall back to start time, then id, so the order is stable. */
export function orderedEntries(entries: EntryMap | readonly TranscriptEntryView[]): TranscriptEntryView[] {
  const list = Array.isArray(entries) ? [...entries] : [...(entries as EntryMap).values()];
  return list.sort((a, b) => a.seq - b.seq || (a.startMs ?? Infinity) - (b.startMs ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function speakerLabel(speaker: TranscriptEntryView['speaker']): string {
  return speaker === 'interviewer' ? t('entry.interviewer') : t('entry.candidate');
}

/** The saved/synced state of one entry in words. */
export function entryStateLabel(entry: TranscriptEntryView): string {
  if (entry.status === 'failed') return entry.saved ? t('entry.notTranscribedSaved') : t('entry.notTranscribed');
  if (entry.status === 'in_progress') return entry.saved ? t('entry.speakingSaved') : t('entry.speaking');
  if (entry.synced) return t('entry.synced');
  return entry.saved ? t('entry.saved') : t('entry.saving');
}

/** Text shown for an entry; an empty candidate turn says why it is empty. */
export function entryText(entry: TranscriptEntryView): string {
  if (entry.text.trim()) return entry.text;
  if (entry.status === 'failed') return t('entry.failedText');
  return entry.status === 'in_progress' ? '…' : t('entry.noWords');
}
