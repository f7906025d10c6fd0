// OpenAI's server event union (type-only: the emulator ships no part of the `openai` package). The emulator's
// fields are checked by name against it; values are JSON the emulator builds, so each is typed as such.
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { Json } from './session';

export type { RealtimeServerEvent };
/** The fields of server event `T` besides `type` and `event_id`, by OpenAI's names; no other name compiles. */
export type EventFields<T extends RealtimeServerEvent['type']> = {
  [K in Exclude<keyof Extract<RealtimeServerEvent, { type: T }>, 'type' | 'event_id'>]?: Json;
};
