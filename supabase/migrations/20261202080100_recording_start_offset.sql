-- When the kiosk's recorder started, in ms after the interview's start (transcript start_ms counts from the
-- interview's start; the recording's time 0 is this much later). Written by the kiosk with the session row, so a
-- reviewer on another kiosk seeks a line's moment in the recording (start_ms minus this), as the kiosk that made it
-- does. NULL: not reported. A finished session stays frozen, except that this column may be set once from NULL
-- (a session finished on the server before a kiosk knew the column); a stored value never changes.
alter table public.interview_sessions add column recording_start_offset_ms int
  check (recording_start_offset_ms is null or recording_start_offset_ms between 0 and 86400000);

create or replace function public.check_session_change() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  -- The recording path is set once, for every caller: a stored path never moves to another object.
  if old.recording_path is not null and new.recording_path is distinct from old.recording_path then
    raise exception 'the recording of this session is already stored; its path cannot change'
      using errcode = 'KI423', hint = 'recording_path_set';
  end if;
  if old.recording_start_offset_ms is not null and new.recording_start_offset_ms is distinct from old.recording_start_offset_ms then
    raise exception 'the recording start offset of this session is already stored; it cannot change'
      using errcode = 'KI423', hint = 'recording_offset_set';
  end if;
  if old.status in ('completed', 'failed') and public.is_api_user()
     and (to_jsonb(new) - 'recording_path' - 'recording_start_offset_ms' - 'updated_at')
         is distinct from (to_jsonb(old) - 'recording_path' - 'recording_start_offset_ms' - 'updated_at') then
    raise exception 'interview session % is %, and a finished session cannot be changed', old.id, old.status
      using errcode = 'KI423', hint = 'session_finished';
  end if;
  return new;
end
$$;
