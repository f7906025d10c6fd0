-- Core schema of the interview kiosk's Supabase project: tenants, reference data (positions, candidates),
-- interview sessions, transcript entries and invitations, with Row Level Security by tenant.
--
-- Identity model: a kiosk signs in as a *device user* whose JWT carries `app_metadata.tenant_id` (app_metadata is
-- writable only by the service role, so a device cannot move itself to another tenant). Every policy compares a
-- row's tenant_id with public.current_tenant_id(). Rows are keyed by client-generated UUIDs so every upload is an
-- idempotent upsert.
--
-- Incremental pulls: every table has updated_at (maintained by a trigger) and an index on (updated_at, id); a
-- puller asks for `updated_at > last_seen or (updated_at = last_seen and id > last_id)` ordered by (updated_at, id).
-- updated_at is the writing transaction's start time, so a long transaction can commit a row "in the past":
-- pullers should re-read a small overlap window (e.g. the last minute) rather than trust the cursor exactly.

-- ---------------------------------------------------------------------------------------------------------------
-- Helpers

-- The tenant of the signed-in device, from the verified JWT. NULL for anon, service_role and users without one,
-- which makes every tenant policy below false for them (service_role bypasses RLS anyway).
create or replace function public.current_tenant_id() returns uuid
  language sql stable
  set search_path = ''
as $$
  select nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid
$$;

comment on function public.current_tenant_id() is
  'Tenant of the signed-in device user: auth.jwt() -> app_metadata ->> tenant_id (NULL when absent).';

create or replace function public.set_updated_at() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- Tables

create table public.tenants (
  id          uuid primary key default gen_random_uuid(),
  name        text not null check (length(name) between 1 and 200),
  -- The company's values, quoted into the interviewer's instructions ("The company X values …").
  "values"    text not null default '',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table public.positions (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  title         text not null check (length(title) between 1 and 200),
  description   text not null default '',
  competencies  text[] not null default '{}',
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  -- Target of the composite foreign keys below: a session may only point at a position of its own tenant.
  unique (id, tenant_id)
);

create table public.candidates (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  name        text not null check (length(name) between 1 and 200),
  email       text check (email is null or email ~ '^[^@\s]+@[^@\s]+$'),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (id, tenant_id)
);

create table public.interview_sessions (
  id                 uuid primary key default gen_random_uuid(),
  tenant_id          uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  position_id        uuid,
  candidate_id       uuid,
  status             text not null default 'scheduled'
                       check (status in ('scheduled', 'in_progress', 'completed', 'failed')),
  webrtc_status      text default 'pending',
  webrtc_server_url  text,
  webrtc_session_id  text,
  ice_candidates     jsonb default '[]',
  sdp_offers         jsonb default '[]',
  sdp_answers        jsonb default '[]',
  start_time         timestamptz,
  end_time           timestamptz,
  -- [{ "status": "in_progress", "at": "<ISO time>" }, …] as recorded by the kiosk, in order.
  status_history     jsonb not null default '[]' check (jsonb_typeof(status_history) = 'array'),
  recording_consent  boolean not null default false,
  -- Object name inside the `recordings` bucket: "<tenant_id>/<session id>.webm"; NULL until uploaded.
  recording_path     text,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  unique (id, tenant_id),
  -- Composite keys: the referenced candidate/position must belong to the same tenant (FK checks bypass RLS,
  -- so a single-column FK would let a device link another tenant's row by guessing its id).
  foreign key (position_id, tenant_id) references public.positions (id, tenant_id),
  foreign key (candidate_id, tenant_id) references public.candidates (id, tenant_id),
  check (end_time is null or start_time is null or end_time >= start_time)
);

create table public.transcript_entries (
  -- The client's UUID: no default on purpose, so a client that forgot it gets a NOT NULL error instead of a
  -- fresh id that would duplicate the entry on every retry.
  id          uuid primary key,
  tenant_id   uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  session_id  uuid not null,
  -- Position in conversation order (previous_item_id links), 0-based. Not unique: the kiosk may renumber
  -- entries when a late item is linked in, and those upserts arrive one by one.
  seq         int not null check (seq >= 0),
  -- The Realtime conversation item this entry is for: one entry per item.
  item_id     text not null check (length(item_id) between 1 and 200),
  speaker     text not null check (speaker in ('interviewer', 'candidate')),
  text        text not null default '',
  -- Milliseconds from the interview's start. NULLABLE by decision: a turn that failed (e.g. transcription
  -- failed, or the call dropped mid-response) may never get a start time, and the seed's NOT NULL column
  -- forced clients to invent one. Ordering uses seq, never start_ms.
  start_ms    int check (start_ms is null or start_ms >= 0),
  confidence  real check (confidence is null or (confidence >= 0 and confidence <= 1)),
  status      text not null default 'final' check (status in ('in_progress', 'final', 'failed')),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (session_id, item_id),
  foreign key (session_id, tenant_id) references public.interview_sessions (id, tenant_id) on delete cascade
);

create table public.interview_invitations (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  -- The code a candidate types at the kiosk.
  token               text not null unique check (length(token) between 4 and 200),
  -- open → redeemed → completed, or open → expired (transitions enforced by a trigger below).
  status              text not null default 'open' check (status in ('open', 'redeemed', 'completed', 'expired')),
  expires_at          timestamptz not null,
  candidate_id        uuid not null,
  position_id         uuid not null,
  redeemed_at         timestamptz,
  redeemed_by_device  text,
  -- The session the redeemed invitation led to. The kiosk sets it after the session row has been uploaded
  -- (the FK requires the session to exist, in the same tenant).
  session_id          uuid,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  foreign key (candidate_id, tenant_id) references public.candidates (id, tenant_id),
  foreign key (position_id, tenant_id) references public.positions (id, tenant_id),
  foreign key (session_id, tenant_id) references public.interview_sessions (id, tenant_id),
  check ((status = 'open') = (redeemed_at is null) or status = 'expired')
);

-- ---------------------------------------------------------------------------------------------------------------
-- Indexes: incremental pulls on (updated_at, id); foreign-key and per-session lookups.

create index tenants_updated_idx on public.tenants (updated_at, id);
create index positions_updated_idx on public.positions (updated_at, id);
create index positions_tenant_idx on public.positions (tenant_id);
create index candidates_updated_idx on public.candidates (updated_at, id);
create index candidates_tenant_idx on public.candidates (tenant_id);
create index interview_sessions_updated_idx on public.interview_sessions (updated_at, id);
create index interview_sessions_tenant_idx on public.interview_sessions (tenant_id, status);
create index interview_sessions_candidate_idx on public.interview_sessions (candidate_id);
create index interview_sessions_position_idx on public.interview_sessions (position_id);
create index transcript_entries_updated_idx on public.transcript_entries (updated_at, id);
create index transcript_entries_session_seq_idx on public.transcript_entries (session_id, seq);
create index transcript_entries_tenant_idx on public.transcript_entries (tenant_id);
create index interview_invitations_updated_idx on public.interview_invitations (updated_at, id);
create index interview_invitations_tenant_idx on public.interview_invitations (tenant_id, status);
create index interview_invitations_session_idx on public.interview_invitations (session_id);

-- ---------------------------------------------------------------------------------------------------------------
-- updated_at triggers

create trigger tenants_updated_at before update on public.tenants
  for each row execute function public.set_updated_at();
create trigger positions_updated_at before update on public.positions
  for each row execute function public.set_updated_at();
create trigger candidates_updated_at before update on public.candidates
  for each row execute function public.set_updated_at();
create trigger interview_sessions_updated_at before update on public.interview_sessions
  for each row execute function public.set_updated_at();
create trigger transcript_entries_updated_at before update on public.transcript_entries
  for each row execute function public.set_updated_at();
create trigger interview_invitations_updated_at before update on public.interview_invitations
  for each row execute function public.set_updated_at();

-- Tenant ownership never changes: a device could otherwise "give away" a row by updating its tenant_id to one it
-- cannot see (the UPDATE policy's WITH CHECK stops that too; this also covers the service role and mistakes).
create or replace function public.forbid_tenant_change() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.tenant_id is distinct from old.tenant_id then
    raise exception 'tenant_id cannot be changed' using errcode = '42501';
  end if;
  return new;
end
$$;

create trigger positions_tenant_fixed before update of tenant_id on public.positions
  for each row execute function public.forbid_tenant_change();
create trigger candidates_tenant_fixed before update of tenant_id on public.candidates
  for each row execute function public.forbid_tenant_change();
create trigger interview_sessions_tenant_fixed before update of tenant_id on public.interview_sessions
  for each row execute function public.forbid_tenant_change();
create trigger transcript_entries_tenant_fixed before update of tenant_id on public.transcript_entries
  for each row execute function public.forbid_tenant_change();
create trigger interview_invitations_tenant_fixed before update of tenant_id on public.interview_invitations
  for each row execute function public.forbid_tenant_change();

-- Invitation status only moves forward, so a direct PATCH cannot reopen a used code.
create or replace function public.check_invitation_transition() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.status is distinct from old.status and not (
       (old.status = 'open' and new.status in ('redeemed', 'expired'))
    or (old.status = 'redeemed' and new.status in ('completed', 'expired'))
  ) then
    raise exception 'invitation status cannot change from % to %', old.status, new.status
      using errcode = '23514', hint = 'open → redeemed → completed, or open/redeemed → expired';
  end if;
  if new.status = 'redeemed' and old.status = 'open' and new.redeemed_at is null then
    new.redeemed_at := now();
  end if;
  return new;
end
$$;

create trigger interview_invitations_transition before update on public.interview_invitations
  for each row execute function public.check_invitation_transition();

-- ---------------------------------------------------------------------------------------------------------------
-- Privileges: devices are `authenticated`; `anon` (the public anon key) gets nothing in this project.

revoke all on public.tenants, public.positions, public.candidates, public.interview_sessions,
  public.transcript_entries, public.interview_invitations from anon;
grant select on public.tenants, public.positions, public.candidates, public.interview_sessions,
  public.transcript_entries, public.interview_invitations to authenticated;
grant insert, update on public.candidates, public.interview_sessions, public.transcript_entries to authenticated;
grant update on public.interview_invitations to authenticated;
-- Devices never delete: a removed row could not be told apart from one never uploaded.
revoke delete, truncate on public.tenants, public.positions, public.candidates, public.interview_sessions,
  public.transcript_entries, public.interview_invitations from authenticated;
revoke insert on public.tenants, public.positions, public.interview_invitations from authenticated;
revoke update on public.tenants, public.positions from authenticated;
grant all on public.tenants, public.positions, public.candidates, public.interview_sessions,
  public.transcript_entries, public.interview_invitations to service_role;

revoke execute on function public.current_tenant_id() from public, anon;
grant execute on function public.current_tenant_id() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------------
-- Row Level Security: every table, by tenant. `(select …)` lets Postgres evaluate the helper once per statement.

alter table public.tenants enable row level security;
alter table public.positions enable row level security;
alter table public.candidates enable row level security;
alter table public.interview_sessions enable row level security;
alter table public.transcript_entries enable row level security;
alter table public.interview_invitations enable row level security;

create policy tenants_select on public.tenants for select to authenticated
  using (id = (select public.current_tenant_id()));

create policy positions_select on public.positions for select to authenticated
  using (tenant_id = (select public.current_tenant_id()));

create policy candidates_select on public.candidates for select to authenticated
  using (tenant_id = (select public.current_tenant_id()));
create policy candidates_insert on public.candidates for insert to authenticated
  with check (tenant_id = (select public.current_tenant_id()));
create policy candidates_update on public.candidates for update to authenticated
  using (tenant_id = (select public.current_tenant_id()))
  with check (tenant_id = (select public.current_tenant_id()));

create policy interview_sessions_select on public.interview_sessions for select to authenticated
  using (tenant_id = (select public.current_tenant_id()));
create policy interview_sessions_insert on public.interview_sessions for insert to authenticated
  with check (tenant_id = (select public.current_tenant_id()));
create policy interview_sessions_update on public.interview_sessions for update to authenticated
  using (tenant_id = (select public.current_tenant_id()))
  with check (tenant_id = (select public.current_tenant_id()));

create policy transcript_entries_select on public.transcript_entries for select to authenticated
  using (tenant_id = (select public.current_tenant_id()));
create policy transcript_entries_insert on public.transcript_entries for insert to authenticated
  with check (tenant_id = (select public.current_tenant_id()));
create policy transcript_entries_update on public.transcript_entries for update to authenticated
  using (tenant_id = (select public.current_tenant_id()))
  with check (tenant_id = (select public.current_tenant_id()));

create policy interview_invitations_select on public.interview_invitations for select to authenticated
  using (tenant_id = (select public.current_tenant_id()));
-- Devices update invitations (mark completed, link session_id); the transition trigger keeps status monotonic.
create policy interview_invitations_update on public.interview_invitations for update to authenticated
  using (tenant_id = (select public.current_tenant_id()))
  with check (tenant_id = (select public.current_tenant_id()));
