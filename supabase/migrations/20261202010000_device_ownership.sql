-- Least privilege for kiosk devices. Before this migration any device of a tenant could read and rewrite every
-- interview, transcript, recording and invitation of that tenant; one stolen device token exposed them all.
-- From here on:
--   * interview sessions and transcript entries belong to the device user that created them (device_id, set to
--     auth.uid() by default and checked by RLS, never changeable); a device reads and updates only its own rows;
--   * a finished session (completed or failed) and its entries are frozen; only recording_path may still be set,
--     once, to the session's canonical object name;
--   * devices write no candidates, and change invitations only through RPCs that set status and session;
--   * invitation codes are unique per tenant;
--   * recordings are insert-only objects "<tenant>/<own session>.webm", audio/webm, size-limited by the bucket;
--   * text and jsonb columns have size limits.
-- Only the 'device' role (public.current_app_role(), migration 20261202000000) gets device write rights;
-- observers and reviewers get their own read rules in later migrations.
-- Rows that existed before this migration have device_id NULL: they belong to no device (the NOT NULL rule is
-- NOT VALID, so it binds new and updated rows only); the service role can assign them if ever needed.

-- ---------------------------------------------------------------------------------------------------------------
-- Ownership columns

alter table public.interview_sessions add column device_id uuid default auth.uid();
alter table public.interview_sessions
  add constraint interview_sessions_device_required check (device_id is not null) not valid;
-- Target of the entries' composite key: an entry belongs to the device that owns its session.
alter table public.interview_sessions add constraint interview_sessions_id_device_key unique (id, device_id);
create index interview_sessions_device_idx on public.interview_sessions (device_id);

alter table public.transcript_entries add column device_id uuid default auth.uid();
alter table public.transcript_entries
  add constraint transcript_entries_device_required check (device_id is not null) not valid;
alter table public.transcript_entries
  add constraint transcript_entries_session_device_fkey foreign key (session_id, device_id)
  references public.interview_sessions (id, device_id) on delete cascade;
create index transcript_entries_device_idx on public.transcript_entries (device_id);

-- The device that redeemed an invitation (its auth user); redeemed_by_device stays the kiosk's own label.
alter table public.interview_invitations add column redeemed_by uuid;

create or replace function public.forbid_device_change() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.device_id is distinct from old.device_id then
    raise exception 'device_id cannot be changed' using errcode = '42501';
  end if;
  return new;
end
$$;

create trigger interview_sessions_device_fixed before update of device_id on public.interview_sessions
  for each row execute function public.forbid_device_change();
create trigger transcript_entries_device_fixed before update of device_id on public.transcript_entries
  for each row execute function public.forbid_device_change();

-- ---------------------------------------------------------------------------------------------------------------
-- Finished sessions are frozen

-- Callers the freeze applies to: requests made as a signed-in user or anonymously (PostgREST's switched role).
-- The service role and the database owner (migrations, support fixes) are not bound by it.
create or replace function public.is_api_user() returns boolean
  language sql stable
  set search_path = ''
as $$
  select current_user in ('authenticated', 'anon')
$$;

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
  if old.status in ('completed', 'failed') and public.is_api_user()
     and (to_jsonb(new) - 'recording_path' - 'updated_at') is distinct from (to_jsonb(old) - 'recording_path' - 'updated_at') then
    raise exception 'interview session % is %, and a finished session cannot be changed', old.id, old.status
      using errcode = 'KI423', hint = 'session_finished';
  end if;
  return new;
end
$$;

create trigger interview_sessions_frozen before update on public.interview_sessions
  for each row execute function public.check_session_change();

-- An entry may be written while its session is open. Re-sending an unchanged entry of a finished session is
-- harmless and allowed (an upsert retried after a lost answer); anything else is refused.
create or replace function public.check_entry_change() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_status text;
begin
  if not public.is_api_user() then
    return new;
  end if;
  select s.status into v_status from public.interview_sessions s where s.id = new.session_id;
  if v_status in ('completed', 'failed') then
    if tg_op = 'UPDATE'
       and (to_jsonb(new) - 'updated_at') is not distinct from (to_jsonb(old) - 'updated_at') then
      return new;
    end if;
    raise exception 'interview session % is %, and its transcript cannot be changed', new.session_id, v_status
      using errcode = 'KI423', hint = 'session_finished';
  end if;
  return new;
end
$$;

-- BEFORE INSERT fires for an upsert's proposed row before ON CONFLICT is considered, so an upsert into a finished
-- session is refused even for an entry that exists unchanged; the kiosk never sends one (it finishes a session
-- on the server only after all its entries are confirmed).
create trigger transcript_entries_frozen before insert or update on public.transcript_entries
  for each row execute function public.check_entry_change();

-- The stored recording is "<tenant>/<session>.webm" of this very session.
alter table public.interview_sessions add constraint interview_sessions_recording_path_canonical
  check (recording_path is null or recording_path = tenant_id::text || '/' || id::text || '.webm') not valid;

-- ---------------------------------------------------------------------------------------------------------------
-- Sizes of text and jsonb (NOT VALID: existing rows are not re-checked, new and updated rows are)

alter table public.tenants add constraint tenants_values_size check (length("values") <= 10000) not valid;
alter table public.positions add constraint positions_sizes check (
  length(description) <= 20000 and cardinality(competencies) <= 100
  and coalesce(length(array_to_string(competencies, '')), 0) <= 10000) not valid;
alter table public.candidates add constraint candidates_email_size check (email is null or length(email) <= 320) not valid;
alter table public.interview_sessions add constraint interview_sessions_sizes check (
  length(coalesce(webrtc_status, '')) <= 50
  and length(coalesce(webrtc_server_url, '')) <= 2000
  and length(coalesce(webrtc_session_id, '')) <= 200
  and length(coalesce(recording_path, '')) <= 300
  and jsonb_array_length(status_history) <= 1000
  and octet_length(status_history::text) <= 65536
  and octet_length(coalesce(ice_candidates, '[]')::text) <= 65536
  and octet_length(coalesce(sdp_offers, '[]')::text) <= 65536
  and octet_length(coalesce(sdp_answers, '[]')::text) <= 65536) not valid;
-- 50 000 characters: far above a spoken turn (about 9 000 characters for ten minutes of speech).
alter table public.transcript_entries add constraint transcript_entries_text_size check (length(text) <= 50000) not valid;
alter table public.interview_invitations add constraint interview_invitations_device_size
  check (redeemed_by_device is null or length(redeemed_by_device) <= 200) not valid;

-- ---------------------------------------------------------------------------------------------------------------
-- Invitation codes: unique per tenant (was: globally unique)

alter table public.interview_invitations drop constraint interview_invitations_token_key;
alter table public.interview_invitations add constraint interview_invitations_tenant_token_key unique (tenant_id, token);

-- ---------------------------------------------------------------------------------------------------------------
-- Privileges and policies

-- Candidates are reference data maintained by the tenant's staff (service role / dashboard); the kiosk only reads.
drop policy candidates_insert on public.candidates;
drop policy candidates_update on public.candidates;
revoke insert, update on public.candidates from authenticated;

-- Invitations change only through redeem_invitation / complete_invitation (below).
drop policy interview_invitations_update on public.interview_invitations;
revoke update on public.interview_invitations from authenticated;

drop policy interview_sessions_select on public.interview_sessions;
drop policy interview_sessions_insert on public.interview_sessions;
drop policy interview_sessions_update on public.interview_sessions;
drop policy transcript_entries_select on public.transcript_entries;
drop policy transcript_entries_insert on public.transcript_entries;
drop policy transcript_entries_update on public.transcript_entries;

-- `(select …)`: evaluated once per statement, not per row.
create policy interview_sessions_device_select on public.interview_sessions for select to authenticated
  using ((select public.current_app_role()) = 'device'
         and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()));
create policy interview_sessions_device_insert on public.interview_sessions for insert to authenticated
  with check ((select public.current_app_role()) = 'device'
              and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()));
create policy interview_sessions_device_update on public.interview_sessions for update to authenticated
  using ((select public.current_app_role()) = 'device'
         and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()))
  with check ((select public.current_app_role()) = 'device'
              and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()));

create policy transcript_entries_device_select on public.transcript_entries for select to authenticated
  using ((select public.current_app_role()) = 'device'
         and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()));
create policy transcript_entries_device_insert on public.transcript_entries for insert to authenticated
  with check ((select public.current_app_role()) = 'device'
              and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()));
create policy transcript_entries_device_update on public.transcript_entries for update to authenticated
  using ((select public.current_app_role()) = 'device'
         and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()))
  with check ((select public.current_app_role()) = 'device'
              and tenant_id = (select public.current_tenant_id()) and device_id = (select auth.uid()));

-- Observers and reviewers read their tenant's interviews (the live room view and the review workspace build on
-- this; they write nothing: every write policy above requires the device role).
create policy interview_sessions_people_select on public.interview_sessions for select to authenticated
  using ((select public.current_app_role()) in ('observer', 'reviewer')
         and tenant_id = (select public.current_tenant_id()));
create policy transcript_entries_people_select on public.transcript_entries for select to authenticated
  using ((select public.current_app_role()) in ('observer', 'reviewer')
         and tenant_id = (select public.current_tenant_id()));

-- ---------------------------------------------------------------------------------------------------------------
-- Invitation RPCs. SECURITY DEFINER now that devices have no UPDATE on the table: each function checks the
-- caller (role, tenant, and for completion the owning device) itself and writes only status, the redemption
-- columns and session_id.

create or replace function public.redeem_invitation(p_token text, p_device text)
  returns public.interview_invitations
  language plpgsql
  volatile
  security definer
  set search_path = ''
as $$
declare
  v_token  text := btrim(coalesce(p_token, ''));
  v_device text := btrim(coalesce(p_device, ''));
  v_tenant uuid := public.current_tenant_id();
  v_uid    uuid := auth.uid();
  v_row    public.interview_invitations;
begin
  if public.current_app_role() is distinct from 'device' or v_tenant is null or v_uid is null then
    raise exception 'only a signed-in kiosk device can redeem invitation codes' using errcode = '42501';
  end if;
  if v_token = '' or length(v_token) > 200 then
    raise exception 'invitation code must be 1–200 characters' using errcode = '22023', hint = 'invalid_code';
  end if;
  if v_device = '' or length(v_device) > 200 then
    raise exception 'device id must be 1–200 characters' using errcode = '22023', hint = 'invalid_device';
  end if;

  update public.interview_invitations i
     set status = 'redeemed', redeemed_at = now(), redeemed_by_device = v_device, redeemed_by = v_uid
   where i.tenant_id = v_tenant
     and i.token = v_token
     and i.status = 'open'
     and i.expires_at > now()
  returning i.* into v_row;
  if found then
    return v_row;
  end if;

  select * into v_row from public.interview_invitations i where i.tenant_id = v_tenant and i.token = v_token;
  if not found then
    raise exception 'unknown invitation code' using errcode = 'KI404', hint = 'invitation_unknown';
  end if;
  if v_row.status = 'redeemed' and v_row.redeemed_by = v_uid and v_row.redeemed_by_device = v_device then
    return v_row;  -- idempotent retry by the device that redeemed it
  end if;
  if v_row.status in ('redeemed', 'completed') then
    raise exception 'invitation code already used' using errcode = 'KI409', hint = 'invitation_used',
      detail = format('status %s since %s', v_row.status, v_row.redeemed_at);
  end if;
  raise exception 'invitation code expired' using errcode = 'KI410', hint = 'invitation_expired',
    detail = format('expired at %s', v_row.expires_at);
end
$$;

comment on function public.redeem_invitation(text, text) is
  'Redeem an invitation code once (device role, own tenant). Errors: KI404 unknown, KI410 expired, KI409 already used, 22023 bad input, 42501 not a device.';
revoke execute on function public.redeem_invitation(text, text) from public, anon;
grant execute on function public.redeem_invitation(text, text) to authenticated, service_role;

-- The end of an invited interview: the invitation this device redeemed points at the device's own session and
-- becomes 'completed'. Repeating the same call returns the row (retry after a lost answer).
create or replace function public.complete_invitation(p_invitation uuid, p_session uuid)
  returns public.interview_invitations
  language plpgsql
  volatile
  security definer
  set search_path = ''
as $$
declare
  v_tenant uuid := public.current_tenant_id();
  v_uid    uuid := auth.uid();
  v_row    public.interview_invitations;
begin
  if public.current_app_role() is distinct from 'device' or v_tenant is null or v_uid is null then
    raise exception 'only a signed-in kiosk device can complete invitations' using errcode = '42501';
  end if;
  if p_invitation is null or p_session is null then
    raise exception 'invitation and session are required' using errcode = '22023', hint = 'invalid_request';
  end if;
  select * into v_row from public.interview_invitations i
   where i.id = p_invitation and i.tenant_id = v_tenant for update;
  if not found then
    raise exception 'unknown invitation' using errcode = 'KI404', hint = 'invitation_unknown';
  end if;
  if not exists (select 1 from public.interview_sessions s
                  where s.id = p_session and s.tenant_id = v_tenant and s.device_id = v_uid) then
    raise exception 'unknown interview session' using errcode = 'KI404', hint = 'session_unknown';
  end if;
  if v_row.status = 'completed' and v_row.session_id = p_session and v_row.redeemed_by = v_uid then
    return v_row;
  end if;
  if v_row.status <> 'redeemed' or v_row.redeemed_by is distinct from v_uid then
    raise exception 'this invitation was not redeemed by this device' using errcode = 'KI409', hint = 'invitation_used',
      detail = format('status %s', v_row.status);
  end if;
  update public.interview_invitations i set status = 'completed', session_id = p_session
   where i.id = p_invitation
  returning i.* into v_row;
  return v_row;
end
$$;

comment on function public.complete_invitation(uuid, uuid) is
  'Mark an invitation this device redeemed as completed by one of its own sessions. Errors: KI404 unknown invitation/session, KI409 not redeemed by this device, 22023, 42501.';
revoke execute on function public.complete_invitation(uuid, uuid) from public, anon;
grant execute on function public.complete_invitation(uuid, uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------------
-- Recordings: insert-only, audio/webm only, size-limited.
--
-- storage-api enforces the bucket's limits itself before any policy runs: allowed_mime_types against the
-- upload's content type (src/storage/uploader.ts validateMimeType: "type/subtype" or "type/*") and
-- file_size_limit as min(bucket limit, project limit) (getStandardMaxFileSizeLimit), refusing with 415 / 413.
-- It checks permission by running the object INSERT as the caller and rolling it back (Uploader.canUpload →
-- createObject, a plain INSERT without RETURNING; an existing name is 409 "Duplicate"). An upsert
-- (x-upsert: true) runs INSERT … ON CONFLICT DO UPDATE … RETURNING * instead (upsertObject), which needs
-- SELECT and UPDATE policies: without them a device cannot overwrite anything, which is the point.
-- 512 MiB: about 9 hours of Opus at 128 kbit/s (browsers' default recording rate), far beyond an interview.
update storage.buckets
   set file_size_limit = 512 * 1024 * 1024, allowed_mime_types = array['audio/webm']
 where id = 'recordings';

-- The session id in "<tenant>/<session>.webm", or NULL when the name has another shape.
create or replace function public.recording_session_id(p_name text) returns uuid
  language sql immutable
  set search_path = ''
as $$
  select case when p_name ~ '^[0-9a-f-]{36}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.webm$'
              then substring(p_name from 38 for 36)::uuid end
$$;
revoke execute on function public.recording_session_id(text) from public, anon;
grant execute on function public.recording_session_id(text) to authenticated, service_role;

drop policy recordings_insert on storage.objects;
drop policy recordings_select on storage.objects;
drop policy recordings_update on storage.objects;

-- A device stores the recording of one of its own sessions, under its tenant's folder, as itself (owner_id is
-- the JWT's sub, set by storage-api).
create policy recordings_device_insert on storage.objects for insert to authenticated
  with check (
    bucket_id = 'recordings'
    and (select public.current_app_role()) = 'device'
    and public.is_own_recording_path(name)
    and owner_id = (select auth.uid())::text
    and exists (select 1 from public.interview_sessions s
                 where s.id = public.recording_session_id(name)
                   and s.tenant_id = (select public.current_tenant_id())
                   and s.device_id = (select auth.uid())));
