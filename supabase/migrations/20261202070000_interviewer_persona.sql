-- The AI interviewer of a position: a JSON object
--   {"name": text, "voice": text|null, "formality": "formal"|"neutral"|"casual"|null, "intro": text|null,
--    "outro": text|null, "pronunciation": [{"term": text, "sayAs": text}, …]}
-- or null for the kiosk's default interviewer. The kiosk pulls it with the position; the name is always shown
-- and said together with the fact that the interviewer is an AI. This check keeps the shape and the sizes; the
-- voice is checked by each kiosk against the Realtime voices its client library knows (the list grows, and a
-- kiosk that does not know a voice logs it and interviews with its default interviewer instead). Read access
-- follows the table's existing grants and row-level security (own tenant); no new rules.
create function public.is_interviewer_persona(p jsonb) returns boolean
language sql immutable
set search_path = ''
as $$
  select jsonb_typeof(p) = 'object'
    and jsonb_typeof(p->'name') = 'string' and length(btrim(p->>'name')) between 1 and 60
    and coalesce(jsonb_typeof(p->'voice'), 'null') in ('string', 'null') and coalesce(length(p->>'voice'), 0) <= 64
    and (coalesce(jsonb_typeof(p->'formality'), 'null') = 'null' or p->>'formality' in ('formal', 'neutral', 'casual'))
    and coalesce(jsonb_typeof(p->'intro'), 'null') in ('string', 'null') and coalesce(length(p->>'intro'), 0) <= 600
    and coalesce(jsonb_typeof(p->'outro'), 'null') in ('string', 'null') and coalesce(length(p->>'outro'), 0) <= 600
    and (coalesce(jsonb_typeof(p->'pronunciation'), 'null') = 'null'
      or (jsonb_typeof(p->'pronunciation') = 'array' and jsonb_array_length(p->'pronunciation') <= 20));
$$;

alter table public.positions add column persona jsonb
  constraint positions_persona_shape check (persona is null or public.is_interviewer_persona(persona));

-- Only those who may write positions need it (the check runs as the writer).
revoke execute on function public.is_interviewer_persona(jsonb) from public, anon, authenticated;
grant execute on function public.is_interviewer_persona(jsonb) to service_role;
