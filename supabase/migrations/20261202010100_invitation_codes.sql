-- Invitation codes that resist guessing, and a kiosk that never holds them in plain text.
--
-- * Codes are made by the server: 12 symbols of a 32-symbol alphabet without look-alikes (no 0/O, 1/I), shown as
--   XXXX-XXXX-XXXX: 60 bits of entropy. Staff may still insert a code of their own (imports); the default is
--   generated.
-- * Devices cannot read `token`. They get `token_hash` = HMAC-SHA-256(tenant key, normalized code) and the tenant's
--   key (device_code_key()), so a kiosk can check a typed code offline without holding any code. Why keyed and
--   per tenant, not a plain SHA-256: the same code hashes differently in every tenant, so no table of
--   precomputed hashes serves more than one tenant, and a copy of the hashes alone (a database file, a backup)
--   cannot be checked without the key; with the key, each guess still costs one HMAC against 2^60 codes.
-- * Normalization: upper case, everything but letters and digits dropped ("abcd efgh-jkmn" = "ABCD-EFGH-JKMN").
-- * Attempts: every redemption of an unknown code is recorded per device; the (N+1)st within the window is refused
--   with KI429 before the code is even looked at. Because a raised error rolls back the whole call (and with it
--   the record of the attempt), an unknown code is an ordinary answer ({"outcome": "unknown"}), not an error.

-- ---------------------------------------------------------------------------------------------------------------
-- Code format and hashing

create or replace function public.new_invitation_code() returns text
  language plpgsql volatile
  set search_path = ''
as $$
declare
  v_alphabet constant text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';  -- 32 symbols: 5 bits each, uniform from a byte
  v_bytes bytea := extensions.gen_random_bytes(12);
  v_out text := '';
begin
  for i in 0..11 loop
    if i > 0 and i % 4 = 0 then v_out := v_out || '-'; end if;
    v_out := v_out || substr(v_alphabet, (get_byte(v_bytes, i) % 32) + 1, 1);
  end loop;
  return v_out;
end
$$;

create or replace function public.normalize_invitation_code(p_code text) returns text
  language sql immutable
  set search_path = ''
as $$
  select upper(regexp_replace(coalesce(p_code, ''), '[^0-9A-Za-z]', '', 'g'))
$$;

alter table public.tenants add column code_key bytea not null default extensions.gen_random_bytes(32);

create or replace function public.invitation_code_hash(p_tenant uuid, p_code text) returns text
  language sql stable
  security definer
  set search_path = ''
as $$
  select encode(extensions.hmac(convert_to(public.normalize_invitation_code(p_code), 'UTF8'), t.code_key, 'sha256'), 'hex')
    from public.tenants t where t.id = p_tenant
$$;
revoke execute on function public.invitation_code_hash(uuid, text) from public, anon, authenticated;

alter table public.interview_invitations alter column token set default public.new_invitation_code();
alter table public.interview_invitations add column token_hash text;

create or replace function public.set_invitation_hash() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.token_hash := public.invitation_code_hash(new.tenant_id, new.token);
  return new;
end
$$;

create trigger interview_invitations_hash before insert or update of token, tenant_id on public.interview_invitations
  for each row execute function public.set_invitation_hash();
update public.interview_invitations set token_hash = public.invitation_code_hash(tenant_id, token);
alter table public.interview_invitations alter column token_hash set not null;
alter table public.interview_invitations add constraint interview_invitations_tenant_hash_key unique (tenant_id, token_hash);

-- ---------------------------------------------------------------------------------------------------------------
-- Column privileges: no device reads a code or a key

revoke select on public.interview_invitations from authenticated;
grant select (id, tenant_id, token_hash, status, expires_at, candidate_id, position_id, redeemed_at, redeemed_by_device,
  redeemed_by, session_id, created_at, updated_at) on public.interview_invitations to authenticated;
revoke select on public.tenants from authenticated;
grant select (id, name, "values", created_at, updated_at) on public.tenants to authenticated;

-- The signed-in device's tenant key (hex), for checking typed codes offline against token_hash.
create or replace function public.device_code_key() returns text
  language plpgsql stable
  security definer
  set search_path = ''
as $$
declare
  v_key bytea;
begin
  if public.current_app_role() is distinct from 'device' or public.current_tenant_id() is null then
    raise exception 'only a signed-in kiosk device has a code key' using errcode = '42501';
  end if;
  select t.code_key into v_key from public.tenants t where t.id = public.current_tenant_id();
  return encode(v_key, 'hex');
end
$$;
revoke execute on function public.device_code_key() from public, anon;
grant execute on function public.device_code_key() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------------
-- Attempts

create table public.invitation_attempts (
  id         bigint generated always as identity primary key,
  device_id  uuid not null,
  tenant_id  uuid not null references public.tenants (id) on delete cascade,
  at         timestamptz not null default now()
);
create index invitation_attempts_device_idx on public.invitation_attempts (device_id, at);
alter table public.invitation_attempts enable row level security;
revoke all on public.invitation_attempts from anon, authenticated;
grant all on public.invitation_attempts to service_role;

-- The limit: at most 10 unknown codes per device in any 15 minutes.
create or replace function public.invitation_attempt_limit() returns table (max_failures int, window_seconds int)
  language sql immutable
  set search_path = ''
as $$ select 10, 900 $$;

drop function public.redeem_invitation(text, text);

-- Answers {"outcome": "redeemed", "invitation": {…}} or {"outcome": "unknown", "attempts_left": n}.
-- Errors: KI429 too many unknown codes (detail: when to try again), KI410 expired, KI409 used, 22023, 42501.
create function public.redeem_invitation(p_token text, p_device text)
  returns jsonb
  language plpgsql
  volatile
  security definer
  set search_path = ''
as $$
declare
  v_device  text := btrim(coalesce(p_device, ''));
  v_code    text := public.normalize_invitation_code(p_token);
  v_tenant  uuid := public.current_tenant_id();
  v_uid     uuid := auth.uid();
  v_max     int;
  v_window  int;
  v_failed  int;
  v_oldest  timestamptz;
  v_hash    text;
  v_row     public.interview_invitations;
begin
  if public.current_app_role() is distinct from 'device' or v_tenant is null or v_uid is null then
    raise exception 'only a signed-in kiosk device can redeem invitation codes' using errcode = '42501';
  end if;
  if v_code = '' or length(coalesce(p_token, '')) > 200 then
    raise exception 'invitation code must be 1–200 characters' using errcode = '22023', hint = 'invalid_code';
  end if;
  if v_device = '' or length(v_device) > 200 then
    raise exception 'device id must be 1–200 characters' using errcode = '22023', hint = 'invalid_device';
  end if;

  -- One device's attempts serialize on this lock, so two parallel guesses cannot both see "one left".
  perform pg_advisory_xact_lock(hashtextextended(v_uid::text, 11));
  select l.max_failures, l.window_seconds into v_max, v_window from public.invitation_attempt_limit() l;
  select count(*), min(a.at) into v_failed, v_oldest from public.invitation_attempts a
   where a.device_id = v_uid and a.at > now() - make_interval(secs => v_window);
  if v_failed >= v_max then
    raise exception 'too many unknown invitation codes from this kiosk; try again later' using errcode = 'KI429',
      hint = 'too_many_attempts', detail = format('retry after %s', v_oldest + make_interval(secs => v_window));
  end if;

  v_hash := public.invitation_code_hash(v_tenant, v_code);
  update public.interview_invitations i
     set status = 'redeemed', redeemed_at = now(), redeemed_by_device = v_device, redeemed_by = v_uid
   where i.tenant_id = v_tenant and i.token_hash = v_hash and i.status = 'open' and i.expires_at > now()
  returning i.* into v_row;
  if found then
    return jsonb_build_object('outcome', 'redeemed', 'invitation', to_jsonb(v_row) - 'token');
  end if;

  select * into v_row from public.interview_invitations i where i.tenant_id = v_tenant and i.token_hash = v_hash;
  if not found then
    insert into public.invitation_attempts (device_id, tenant_id) values (v_uid, v_tenant);
    return jsonb_build_object('outcome', 'unknown', 'attempts_left', greatest(v_max - v_failed - 1, 0));
  end if;
  if v_row.status = 'redeemed' and v_row.redeemed_by = v_uid and v_row.redeemed_by_device = v_device then
    return jsonb_build_object('outcome', 'redeemed', 'invitation', to_jsonb(v_row) - 'token');  -- idempotent retry
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
  'Redeem an invitation code once (device role, own tenant): {outcome: redeemed, invitation} or {outcome: unknown, attempts_left}. Errors: KI429 too many unknown codes, KI410 expired, KI409 used, 22023 bad input, 42501 not a device.';
revoke execute on function public.redeem_invitation(text, text) from public, anon;
grant execute on function public.redeem_invitation(text, text) to authenticated, service_role;

-- complete_invitation answered the whole row, code included: the same answer without the code.
drop function public.complete_invitation(uuid, uuid);
create function public.complete_invitation(p_invitation uuid, p_session uuid)
  returns jsonb
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
  if not (v_row.status = 'completed' and v_row.session_id = p_session and v_row.redeemed_by = v_uid) then
    if v_row.status <> 'redeemed' or v_row.redeemed_by is distinct from v_uid then
      raise exception 'this invitation was not redeemed by this device' using errcode = 'KI409', hint = 'invitation_used',
        detail = format('status %s', v_row.status);
    end if;
    update public.interview_invitations i set status = 'completed', session_id = p_session
     where i.id = p_invitation
    returning i.* into v_row;
  end if;
  return to_jsonb(v_row) - 'token';
end
$$;

comment on function public.complete_invitation(uuid, uuid) is
  'Mark an invitation this device redeemed as completed by one of its own sessions (the row, without the code). Errors: KI404 unknown invitation/session, KI409 not redeemed by this device, 22023, 42501.';
revoke execute on function public.complete_invitation(uuid, uuid) from public, anon;
grant execute on function public.complete_invitation(uuid, uuid) to authenticated, service_role;
