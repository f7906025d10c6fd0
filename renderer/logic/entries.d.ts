import type { TranscriptEntryView } from '../../preload/contract';
export type EntryMap = ReadonlyMap<string, TranscriptEntryView>;
/** Merge pushed entries into the known ones. A push replaces the entry with the same id. */
export declare function mergeEntries(current: EntryMap, incoming: readonly TranscriptEntryView[]): Map<string, TranscriptEntryView>;
/** Entries in conversation order; ties (should not happen) fall back to start time, then id, so the order is stable. */
export declare function orderedEntries(entries: EntryMap | readonly TranscriptEntryView[]): TranscriptEntryView[];
export declare function speakerLabel(speaker: TranscriptEntryView['speaker']): string;
/** The saved/synced state of one entry in words. */
export declare function entryStateLabel(entry: TranscriptEntryView): string;
/** Text shown for an entry; an empty candidate turn says why it is empty. */
export declare function entryText(entry: TranscriptEntryView): string;
