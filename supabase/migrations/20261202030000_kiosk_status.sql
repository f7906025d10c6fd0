-- Live room view: one status row per kiosk (a coalescing "latest state", not a log), readable by the tenant's
-- observers and reviewers, written only by the kiosk itself; and the Realtime publication that streams kiosk
-- status, sessions and transcript entries to them (filtered per subscriber by the RLS below).
--
-- Roles (public.current_app_role(), migration 20261202000000):
--   device   — upserts its own kiosk_status row (device_id = auth.uid()), sees only that row
--   observer — reads the tenant's kiosk_status, interview_sessions, transcript_entries; writes nothing
--   reviewer — same reads as observer here

create table public.kiosk_status (
  -- The device user's auth id: one row per kiosk, so an upsert replaces the previous state.
  device_id     uuid primary key default auth.uid(),
  tenant_id     uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  -- A name the room knows the kiosk by (e.g. "Kiosk 3"); chosen by the operator.
  label         text not null default '' check (length(label) <= 100),
  state         text not null check (state in
                  ('idle', 'pre_flight', 'interviewing', 'reconnecting', 'paused', 'help_requested', 'finished')),
  -- 1-based number of the question being asked while interviewing (NULL otherwise or unknown).
  question      int check (question is null or question between 1 and 1000),
  -- The interview on this kiosk now (NULL when idle). Not a foreign key on purpose: the status must be able to
  -- arrive before the session row (status never waits for transcript sync).
  session_id    uuid,
  -- When the kiosk entered this state (kiosk clock), and the server's time of the latest report. Observers judge
  -- "offline" from last_seen: it is set here, by the server, so a kiosk with a wrong clock cannot look alive.
  state_since   timestamptz not null default now(),
  last_seen     timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

create index kiosk_status_tenant_idx on public.kiosk_status (tenant_id);

create or replace function public.kiosk_status_stamp() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.last_seen := now();
  new.updated_at := now();
  return new;
end
$$;

create trigger kiosk_status_stamp before insert or update on public.kiosk_status
  for each row execute function public.kiosk_status_stamp();
create trigger kiosk_status_tenant_fixed before update of tenant_id on public.kiosk_status
  for each row execute function public.forbid_tenant_change();

revoke all on public.kiosk_status from anon;
grant select, insert, update on public.kiosk_status to authenticated;
revoke delete, truncate on public.kiosk_status from authenticated;
grant all on public.kiosk_status to service_role;

alter table public.kiosk_status enable row level security;

-- A device sees and writes only its own row, in its own tenant.
create policy kiosk_status_device_select on public.kiosk_status for select to authenticated
  using ((select public.current_app_role()) = 'device' and device_id = (select auth.uid()));
create policy kiosk_status_device_insert on public.kiosk_status for insert to authenticated
  with check ((select public.current_app_role()) = 'device' and device_id = (select auth.uid())
              and tenant_id = (select public.current_tenant_id()));
create policy kiosk_status_device_update on public.kiosk_status for update to authenticated
  using ((select public.current_app_role()) = 'device' and device_id = (select auth.uid()))
  with check ((select public.current_app_role()) = 'device' and device_id = (select auth.uid())
              and tenant_id = (select public.current_tenant_id()));
-- Observers and reviewers see every kiosk of their tenant.
create policy kiosk_status_watch_select on public.kiosk_status for select to authenticated
  using ((select public.current_app_role()) in ('observer', 'reviewer')
         and tenant_id = (select public.current_tenant_id()));

-- Observers and reviewers are read-only on interviews: RESTRICTIVE policies are ANDed with every permissive
-- policy (present and future), so only devices may write sessions and transcript entries, whatever else allows it.
create policy interview_sessions_device_writes_insert on public.interview_sessions as restrictive
  for insert to authenticated with check ((select public.current_app_role()) = 'device');
create policy interview_sessions_device_writes_update on public.interview_sessions as restrictive
  for update to authenticated using ((select public.current_app_role()) = 'device');
create policy transcript_entries_device_writes_insert on public.transcript_entries as restrictive
  for insert to authenticated with check ((select public.current_app_role()) = 'device');
create policy transcript_entries_device_writes_update on public.transcript_entries as restrictive
  for update to authenticated using ((select public.current_app_role()) = 'device');

-- Realtime: stream these tables' changes (postgres_changes); Realtime re-reads each changed row as the
-- subscriber (role + JWT claims) and sends it only if the SELECT policies above let that subscriber see it.
alter publication supabase_realtime add table public.kiosk_status, public.interview_sessions, public.transcript_entries;
