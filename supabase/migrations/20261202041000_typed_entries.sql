-- A candidate may type an answer instead of speaking it (the kiosk sends it to the interviewer as a user text
-- item). The transcript entry says so: `typed` is true for such an answer, false for a spoken one. Only candidate
-- entries can be typed. Write access follows the table's existing grants and row-level security.
alter table public.transcript_entries
  add column typed boolean not null default false,
  add constraint transcript_entries_typed_candidate check (not typed or speaker = 'candidate');
