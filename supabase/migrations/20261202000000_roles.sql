-- Roles of signed-in users, from the verified JWT's app_metadata (writable only by the service role).
--   device   — a kiosk: writes its own interviews (the only role the kiosk app ever signs in as)
--   observer — an invigilator: reads its tenant's kiosk status and live transcripts, writes nothing
--   reviewer — a recruiter: reads its tenant's interviews and evaluations, writes overrides and dismissals
-- Users created before roles existed carry no `role`; they were all kiosk devices, so absent means 'device'.
-- Any other value yields NULL, which makes every role check false (least privilege for unknown roles).
create or replace function public.current_app_role() returns text
  language sql stable
  set search_path = ''
as $$
  select case coalesce(auth.jwt() -> 'app_metadata' ->> 'role', 'device')
           when 'device' then 'device'
           when 'observer' then 'observer'
           when 'reviewer' then 'reviewer'
         end
$$;

comment on function public.current_app_role() is
  'Role of the signed-in user: app_metadata.role in (device, observer, reviewer); absent = device; anything else NULL.';
