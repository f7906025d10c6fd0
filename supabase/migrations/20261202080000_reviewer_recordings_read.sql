-- Reviewers may play their company's recordings: SELECT on the `recordings` bucket's objects of their own tenant,
-- nothing else. storage-api serves an authenticated download (GET /object/authenticated/<bucket>/<name>) only when
-- the object row is visible to the caller (it reads storage.objects as the caller, under RLS), so this policy is
-- the whole read right. Devices and observers still cannot read any recording back (no policy for them), and
-- another company's reviewer sees no row of this one (the name's tenant folder and the session's tenant must both
-- be the reviewer's). Reviewers get no INSERT, UPDATE or DELETE on objects: a recording is written once, by the
-- kiosk that made it.
create policy recordings_reviewer_select on storage.objects for select to authenticated
  using (
    bucket_id = 'recordings'
    and (select public.current_app_role()) = 'reviewer'
    and split_part(name, '/', 1) = (select public.current_tenant_id())::text
    and exists (select 1 from public.interview_sessions s
                 where s.id = public.recording_session_id(name)
                   and s.tenant_id = (select public.current_tenant_id())));
