-- redeem_invitation(p_token, p_device): a candidate types an invitation code at a kiosk.
--
-- Exactly-once: the redemption is one conditional UPDATE (`… where status = 'open' and expires_at > now()`). When two
-- kiosks race, the second UPDATE waits on the first one's row lock, then re-checks its WHERE clause against the
-- committed row (READ COMMITTED re-evaluation), finds status = 'redeemed' and updates nothing.
--
-- Outcomes, told apart by SQLSTATE (PostgREST puts it in the error body's `code`, HTTP 400), with the same name in
-- `hint` for people reading logs:
--   success            → the invitation row (JSON object), status 'redeemed'
--   'KI404' unknown    → no such code *for this device's tenant* (another tenant's code is "unknown" too: no leak)
--   'KI410' expired    → past expires_at, or status 'expired'
--   'KI409' used       → already redeemed by another device, or completed
--   '22023' bad input  → empty or absurd token/device strings
-- Retry safety: the same device redeeming the same code again while it is still 'redeemed' gets the row back
-- (a kiosk whose first answer was lost on the network must not lock its own candidate out). A different device
-- always gets 'KI409'.
--
-- SECURITY INVOKER: it runs with the device's own rights, so RLS scopes it to the device's tenant and no privilege
-- is borrowed. Devices need SELECT + UPDATE on interview_invitations, which they have for marking completion.

create or replace function public.redeem_invitation(p_token text, p_device text)
  returns public.interview_invitations
  language plpgsql
  volatile
  security invoker
  set search_path = ''
as $$
declare
  v_token  text := btrim(coalesce(p_token, ''));
  v_device text := btrim(coalesce(p_device, ''));
  v_row    public.interview_invitations;
begin
  if v_token = '' or length(v_token) > 200 then
    raise exception 'invitation code must be 1–200 characters' using errcode = '22023', hint = 'invalid_code';
  end if;
  if v_device = '' or length(v_device) > 200 then
    raise exception 'device id must be 1–200 characters' using errcode = '22023', hint = 'invalid_device';
  end if;

  update public.interview_invitations i
     set status = 'redeemed', redeemed_at = now(), redeemed_by_device = v_device
   where i.token = v_token
     and i.status = 'open'
     and i.expires_at > now()
  returning i.* into v_row;
  if found then
    return v_row;
  end if;

  -- Not redeemed now: find out why. The row cannot change under us in a way that matters: status only moves
  -- forward (trigger), so whatever we read is a final reason for this attempt.
  select * into v_row from public.interview_invitations i where i.token = v_token;
  if not found then
    raise exception 'unknown invitation code' using errcode = 'KI404', hint = 'invitation_unknown';
  end if;
  if v_row.status = 'redeemed' and v_row.redeemed_by_device = v_device then
    return v_row;  -- idempotent retry by the device that redeemed it
  end if;
  if v_row.status in ('redeemed', 'completed') then
    raise exception 'invitation code already used' using errcode = 'KI409', hint = 'invitation_used',
      detail = format('status %s since %s', v_row.status, v_row.redeemed_at);
  end if;
  -- Remaining cases: status 'expired', or 'open' with expires_at in the past.
  raise exception 'invitation code expired' using errcode = 'KI410', hint = 'invitation_expired',
    detail = format('expired at %s', v_row.expires_at);
end
$$;

comment on function public.redeem_invitation(text, text) is
  'Redeem an invitation code once. Errors: KI404 unknown, KI410 expired, KI409 already used, 22023 bad input.';

revoke execute on function public.redeem_invitation(text, text) from public, anon;
grant execute on function public.redeem_invitation(text, text) to authenticated, service_role;
