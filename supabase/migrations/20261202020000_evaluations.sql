-- Evaluations of interviews, and the human decisions beside them.
--
--   evaluations          — written by the kiosk (a device) that ran the interview, once per (session, rubric
--                          version); never changed afterwards (a trigger refuses any change of content, so a
--                          retried upsert of the same row is harmless and nothing can rewrite the AI's result).
--   evaluation_overrides — a reviewer's level and reason for one competency, stored beside the evaluation.
--   session_dismissals   — a reviewer marks an interview invalid, with a reason (one per session).
--
-- Roles (public.current_app_role()): a device writes and reads the evaluations of its own sessions (device_id =
-- auth.uid(), as for sessions and entries) and nothing else here;
-- a reviewer reads its tenant's evaluations, overrides and dismissals and writes overrides and dismissals only;
-- an observer (invigilator) sees none of it. Every row is tenant-scoped; composite keys keep references inside
-- the tenant.

create table public.evaluations (
  id               uuid primary key,
  tenant_id        uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  session_id       uuid not null,
  -- The device that ran the interview (20261202010000_device_ownership): only it may write the evaluation.
  device_id        uuid not null default auth.uid(),
  rubric_version   text not null check (length(rubric_version) between 1 and 100),
  -- The rubric as used: {version, levels: [{level, label, anchor}]}.
  rubric           jsonb not null check (jsonb_typeof(rubric) = 'object'),
  model            text not null check (length(model) between 1 and 200),
  outcome          text not null check (outcome in ('assessed', 'insufficient_evidence')),
  session_reasons  jsonb not null default '[]' check (jsonb_typeof(session_reasons) = 'array'),
  -- [{competency, level|null, insufficient|null, rationale, evidence: [{quote, entryId, startMs}], droppedQuotes}]
  competencies     jsonb not null check (jsonb_typeof(competencies) = 'array'),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  -- One per (session, rubric version). tenant_id is part of the key (a session has one tenant anyway) so that
  -- another tenant's attempt fails on the foreign key, not on a conflict that would reveal the row exists.
  unique (tenant_id, session_id, rubric_version),
  unique (id, tenant_id),
  unique (id, session_id),
  foreign key (session_id, tenant_id) references public.interview_sessions (id, tenant_id) on delete cascade,
  foreign key (session_id, device_id) references public.interview_sessions (id, device_id) on delete cascade
);

create table public.evaluation_overrides (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  evaluation_id  uuid not null,
  session_id     uuid not null,
  competency     text not null check (length(competency) between 1 and 200),
  level          int not null check (level between 1 and 10),
  reason         text not null check (length(btrim(reason)) between 3 and 2000),
  created_by     uuid not null default auth.uid(),
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  foreign key (evaluation_id, tenant_id) references public.evaluations (id, tenant_id) on delete cascade,
  foreign key (evaluation_id, session_id) references public.evaluations (id, session_id)
);

create table public.session_dismissals (
  session_id  uuid primary key,
  tenant_id   uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  reason      text not null check (length(btrim(reason)) between 3 and 2000),
  created_by  uuid not null default auth.uid(),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  foreign key (session_id, tenant_id) references public.interview_sessions (id, tenant_id) on delete cascade
);

create index evaluations_updated_idx on public.evaluations (updated_at, id);
create index evaluations_tenant_idx on public.evaluations (tenant_id);
create index evaluation_overrides_session_idx on public.evaluation_overrides (session_id, created_at);
create index evaluation_overrides_evaluation_idx on public.evaluation_overrides (evaluation_id, tenant_id);
create index evaluation_overrides_updated_idx on public.evaluation_overrides (updated_at, id);
create index session_dismissals_updated_idx on public.session_dismissals (updated_at, session_id);
create index session_dismissals_tenant_idx on public.session_dismissals (tenant_id);

create trigger evaluations_updated_at before update on public.evaluations
  for each row execute function public.set_updated_at();
create trigger evaluation_overrides_updated_at before update on public.evaluation_overrides
  for each row execute function public.set_updated_at();
create trigger session_dismissals_updated_at before update on public.session_dismissals
  for each row execute function public.set_updated_at();

-- The AI's result is never rewritten: an update may only repeat what is there (a retried upsert).
create or replace function public.forbid_evaluation_change() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if (new.tenant_id, new.session_id, new.device_id, new.rubric_version, new.rubric, new.model, new.outcome, new.session_reasons, new.competencies)
     is distinct from
     (old.tenant_id, old.session_id, old.device_id, old.rubric_version, old.rubric, old.model, old.outcome, old.session_reasons, old.competencies) then
    raise exception 'an evaluation cannot be changed; record an override beside it' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger evaluations_immutable before update on public.evaluations
  for each row execute function public.forbid_evaluation_change();

-- Privileges: only what the policies below can allow. No deletes for anyone but the service role.
revoke all on public.evaluations, public.evaluation_overrides, public.session_dismissals from anon;
grant select, insert, update on public.evaluations to authenticated;
grant select, insert on public.evaluation_overrides, public.session_dismissals to authenticated;
revoke delete, truncate on public.evaluations, public.evaluation_overrides, public.session_dismissals from authenticated;
grant all on public.evaluations, public.evaluation_overrides, public.session_dismissals to service_role;

alter table public.evaluations enable row level security;
alter table public.evaluation_overrides enable row level security;
alter table public.session_dismissals enable row level security;

-- Evaluations: a device writes and reads those of its own sessions; reviewers read their tenant's.
create policy evaluations_device_select on public.evaluations for select to authenticated
  using ((select public.current_app_role()) = 'device' and tenant_id = (select public.current_tenant_id())
         and device_id = (select auth.uid()));
create policy evaluations_reviewer_select on public.evaluations for select to authenticated
  using ((select public.current_app_role()) = 'reviewer' and tenant_id = (select public.current_tenant_id()));
create policy evaluations_device_insert on public.evaluations for insert to authenticated
  with check ((select public.current_app_role()) = 'device' and tenant_id = (select public.current_tenant_id())
              and device_id = (select auth.uid()));
create policy evaluations_device_update on public.evaluations for update to authenticated
  using ((select public.current_app_role()) = 'device' and tenant_id = (select public.current_tenant_id())
         and device_id = (select auth.uid()))
  with check ((select public.current_app_role()) = 'device' and tenant_id = (select public.current_tenant_id())
              and device_id = (select auth.uid()));

-- Overrides and dismissals: reviewers only, their tenant; the author is the signed-in reviewer.
create policy evaluation_overrides_select on public.evaluation_overrides for select to authenticated
  using ((select public.current_app_role()) = 'reviewer' and tenant_id = (select public.current_tenant_id()));
create policy evaluation_overrides_insert on public.evaluation_overrides for insert to authenticated
  with check ((select public.current_app_role()) = 'reviewer' and tenant_id = (select public.current_tenant_id())
              and created_by = (select auth.uid()));
create policy session_dismissals_select on public.session_dismissals for select to authenticated
  using ((select public.current_app_role()) = 'reviewer' and tenant_id = (select public.current_tenant_id()));
create policy session_dismissals_insert on public.session_dismissals for insert to authenticated
  with check ((select public.current_app_role()) = 'reviewer' and tenant_id = (select public.current_tenant_id())
              and created_by = (select auth.uid()));
