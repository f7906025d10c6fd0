-- The candidate's consent record, stored with the interview session: which version of the disclosure notice the
-- candidate saw (that the interviewer is an AI, that audio and transcript are recorded, what is assessed, who sees
-- the results and for how long), in which language, what they chose, and when. The kiosk writes it with the
-- session's first upload; afterwards it is a record and may not change (a repeated upsert with the same values is
-- fine, which the sync engine's retries rely on).

alter table public.interview_sessions
  add column consent_notice_version text check (consent_notice_version ~ '^[A-Za-z0-9_.-]{1,40}$'),
  add column consent_language text check (consent_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  add column consent_choices jsonb check (consent_choices is null or jsonb_typeof(consent_choices) = 'object'),
  add column consent_at timestamptz,
  -- All four or none.
  add constraint interview_sessions_consent_complete check (
    (consent_notice_version is null) = (consent_choices is null)
    and (consent_notice_version is null) = (consent_at is null)
    and (consent_notice_version is null) = (consent_language is null)
  ),
  -- Recording without a recorded yes to recording is refused.
  add constraint interview_sessions_consent_recording check (
    consent_choices is null or recording_consent = coalesce((consent_choices ->> 'recording')::boolean, false)
  );

create function public.interview_sessions_consent_fixed() returns trigger
language plpgsql set search_path = '' as $$
begin
  if old.consent_notice_version is not null and (
    new.consent_notice_version is distinct from old.consent_notice_version
    or new.consent_language is distinct from old.consent_language
    or new.consent_choices is distinct from old.consent_choices
    or new.consent_at is distinct from old.consent_at
  ) then
    raise exception 'the consent record of session % cannot change once stored', old.id using errcode = '23514';
  end if;
  return new;
end $$;

create trigger interview_sessions_consent_fixed before update on public.interview_sessions
  for each row execute function public.interview_sessions_consent_fixed();
