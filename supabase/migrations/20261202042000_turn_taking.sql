-- Turn-taking. A position may choose how the end of the candidate's turn is found: semantic VAD at an eagerness
-- ('semantic_low', 'semantic_medium', 'semantic_high') or server VAD ('server_vad'); null = the kiosk's default
-- (semantic, low eagerness). The kiosk pulls it with the position. A session records whether the candidate had
-- extra time (an accommodation: slower pace, a longer silence before the turn ends) and whether it opened with an
-- unscored warm-up question (its transcript entries are kept; evaluations leave them out). The kiosk writes both
-- with the session. Access follows the tables' existing grants and row-level security (own tenant).
alter table public.positions add column turn_detection text
  check (turn_detection is null or turn_detection in ('semantic_low', 'semantic_medium', 'semantic_high', 'server_vad'));

alter table public.interview_sessions
  add column extra_time boolean not null default false,
  add column warm_up boolean not null default false;
