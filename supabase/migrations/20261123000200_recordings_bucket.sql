-- Private Storage bucket for interview recordings: objects are named "<tenant_id>/<session id>.webm", so the
-- first path segment is the tenant and RLS on storage.objects compares it with the device's JWT tenant.
-- The kiosk uploads each recording once (x-upsert true, so a retry after a lost answer overwrites the same file)
-- and never deletes. file_size_limit is left NULL: the project's global upload limit applies (on hosted Supabase
-- raise it in the dashboard if hour-long recordings exceed it; Opus at 32 kbit/s is ~15 MB per hour).

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('recordings', 'recordings', false, null, array['audio/webm', 'video/webm', 'audio/ogg', 'application/octet-stream'])
on conflict (id) do update
  set public = excluded.public, allowed_mime_types = excluded.allowed_mime_types;

-- "<tenant>/<session>.webm": exactly one folder, the device's tenant, and a .webm file name.
create or replace function public.is_own_recording_path(p_name text) returns boolean
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    array_length(storage.foldername(p_name), 1) = 1
    and (storage.foldername(p_name))[1] = (public.current_tenant_id())::text
    and p_name ~ '^[0-9a-f-]{36}/[A-Za-z0-9_.-]+\.webm$',
    false)
$$;

revoke execute on function public.is_own_recording_path(text) from public, anon;
grant execute on function public.is_own_recording_path(text) to authenticated, service_role;

create policy recordings_insert on storage.objects for insert to authenticated
  with check (bucket_id = 'recordings' and public.is_own_recording_path(name));
-- SELECT and UPDATE are needed for upserts (ON CONFLICT DO UPDATE) and for reading a recording back.
create policy recordings_select on storage.objects for select to authenticated
  using (bucket_id = 'recordings' and public.is_own_recording_path(name));
create policy recordings_update on storage.objects for update to authenticated
  using (bucket_id = 'recordings' and public.is_own_recording_path(name))
  with check (bucket_id = 'recordings' and public.is_own_recording_path(name));
