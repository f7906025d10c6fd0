-- Demo data for a local or staging Supabase project (`supabase db reset` runs this after the migrations).
-- Fixed UUIDs so tests and docs can refer to them. A kiosk needs a device user whose app_metadata carries the
-- tenant: create it in the dashboard (or with the admin API) and set
--   app_metadata = {"tenant_id": "00000000-0000-4000-8000-000000000001"}.

insert into public.tenants (id, name, "values") values
  ('00000000-0000-4000-8000-000000000001', 'Acme Assessment Centre',
   'candour, curiosity, care for the customer, and owning your mistakes')
on conflict (id) do nothing;

insert into public.positions (id, tenant_id, title, description, competencies) values
  ('00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000001',
   'Customer Support Specialist',
   'First-line support by phone and chat for our B2B software customers.',
   array['empathy', 'clear written communication', 'troubleshooting', 'handling difficult conversations']),
  ('00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000001',
   'Junior Backend Developer',
   'Builds and maintains HTTP services and database schemas in a small team.',
   array['problem solving', 'SQL and data modelling', 'testing discipline', 'collaboration'])
on conflict (id) do nothing;

insert into public.candidates (id, tenant_id, name, email) values
  ('00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000001', 'Alex Morgan', 'alex.morgan@example.com'),
  ('00000000-0000-4000-8000-000000000202', '00000000-0000-4000-8000-000000000001', 'Sam Rivera', 'sam.rivera@example.com'),
  ('00000000-0000-4000-8000-000000000203', '00000000-0000-4000-8000-000000000001', 'Jordan Lee', null)
on conflict (id) do nothing;

-- An open invitation: the candidate types DEMO-2026 at the kiosk. Valid for a year from seeding.
insert into public.interview_invitations (id, tenant_id, token, status, expires_at, candidate_id, position_id) values
  ('00000000-0000-4000-8000-000000000301', '00000000-0000-4000-8000-000000000001', 'DEMO-2026', 'open',
   now() + interval '365 days', '00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000101')
on conflict (id) do nothing;
