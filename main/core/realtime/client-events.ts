// Every data-channel event main asks the renderer to send is first written as OpenAI's own client event type
// (the official `openai` package's RealtimeClientEvent union), so the compiler checks its shape; only then is it
// widened to the contract's open event type that crosses IPC.
import type { RealtimeClientEvent as OpenAIClientEvent } from 'openai/resources/realtime/realtime';
import type { RealtimeClientEvent } from '../../../preload/contract';

export type { OpenAIClientEvent };

export function wireEvent(event: OpenAIClientEvent): RealtimeClientEvent {
  return event as unknown as RealtimeClientEvent;
}

export function wireEvents(events: readonly OpenAIClientEvent[]): RealtimeClientEvent[] {
  return events.map(wireEvent);
}
