-- A position may name the interview's language: an ISO-639-1 code (lower case, two or three letters), or null
-- when it is not set. The kiosk pulls it with the position and passes it to the Realtime session as the
-- transcription language. Read access follows the table's existing grants and row-level security (own tenant).
alter table public.positions add column language text
  check (language is null or language ~ '^[a-z]{2,3}$');
