-- Who chose a session's extra time: 'operator' (the staff, when starting the candidate) or 'candidate' (asked for
-- on the pre-flight screen). Null without extra time, and for sessions written before the kiosk recorded who chose
-- (no backfill: finished sessions are frozen, and "not recorded" is the truth for them). The kiosk writes it with
-- the session; access follows the table's existing grants and row-level security (own tenant).
alter table public.interview_sessions
  add column extra_time_by text check (extra_time_by in ('operator', 'candidate')),
  add constraint interview_sessions_extra_time_by_needs_extra_time check (extra_time_by is null or extra_time);
