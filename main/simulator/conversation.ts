// The conversation: an ordered list of items, insertion by previous_item_id, and validation of the items a
// client may create (GA shapes). Pure.
import { invalid } from './errors';
import { newId } from './ids';
import { isObject, type Json, type JsonObject } from './session';

export class Conversation {
  readonly items: JsonObject[] = [];

  get lastId(): string | null {
    return (this.items.at(-1)?.id as string | undefined) ?? null;
  }

  find(id: string): JsonObject | undefined {
    return this.items.find((i) => i.id === id);
  }

  /**
   * Inserts after `previousItemId` ('root' = at the start, undefined = at the end). Returns the id of the item
   * now before it (null at the start). Throws for an unknown previous id.
   */
  insert(item: JsonObject, previousItemId?: string | null): string | null {
    if (previousItemId === undefined || previousItemId === null) {
      const prev = this.lastId;
      this.items.push(item);
      return prev;
    }
    if (previousItemId === 'root') {
      this.items.unshift(item);
      return null;
    }
    const index = this.items.findIndex((i) => i.id === previousItemId);
    if (index < 0) throw invalid('invalid_value', `Item with id '${previousItemId}' not found in the conversation.`, 'previous_item_id');
    this.items.splice(index + 1, 0, item);
    return previousItemId;
  }

  remove(id: string): boolean {
    const index = this.items.findIndex((i) => i.id === id);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  previousOf(id: string): string | null {
    const index = this.items.findIndex((i) => i.id === id);
    return index > 0 ? (this.items[index - 1]!.id as string) : null;
  }

  /** Script position: the number of assistant messages (spoken or replayed as output_text) so far, leaving out
   * `unsaid` ones (failed, incomplete or text-only responses: the candidate heard no question). */
  assistantMessages(unsaid: ReadonlySet<string> = new Set()): number {
    return this.items.filter((i) => i.type === 'message' && i.role === 'assistant' && !unsaid.has(String(i.id))).length;
  }
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TEXT = 100_000;
/** Base64 audio or image inside one event: bounded by the 1 MiB event limit anyway. */
const MAX_MEDIA = 1024 * 1024;

function text(v: Json | undefined, path: string, max = MAX_TEXT): string {
  if (typeof v !== 'string') throw invalid('invalid_type', `Invalid type for '${path}': expected a string.`, path);
  if (v.length > max) throw invalid('string_above_max_length', `'${path}' is longer than ${max} characters.`, path);
  return v;
}

/** Validates a client `conversation.item.create` item and returns the stored item (id, object, status filled in). */
export function normaliseClientItem(raw: unknown, exists: (id: string) => boolean): JsonObject {
  if (!isObject(raw)) throw invalid('invalid_type', "Invalid type for 'item': expected an object.", 'item');
  let id: string;
  if (raw.id !== undefined) {
    if (typeof raw.id !== 'string' || !ID_PATTERN.test(raw.id)) throw invalid('invalid_value', "'item.id' must be 1–64 letters, digits, _ or -.", 'item.id');
    if (exists(raw.id)) throw invalid('invalid_value', `Item with id '${raw.id}' already exists.`, 'item.id');
    id = raw.id;
  } else id = newId('item_');
  const base = { id, object: 'realtime.item' };
  switch (raw.type) {
    case 'message': {
      const role = raw.role;
      if (role !== 'user' && role !== 'assistant' && role !== 'system')
        throw invalid('invalid_value', "Invalid value for 'item.role': expected 'user', 'assistant' or 'system'.", 'item.role');
      if (!Array.isArray(raw.content) || raw.content.length === 0 || raw.content.length > 32)
        throw invalid('invalid_value', "'item.content' must be a non-empty array.", 'item.content');
      const content = raw.content.map((part, i): JsonObject => {
        const p = `item.content[${i}]`;
        if (!isObject(part)) throw invalid('invalid_type', `Invalid type for '${p}': expected an object.`, p);
        if (role === 'assistant' && part.type === 'output_audio')
          throw invalid('invalid_value', 'Assistant audio items cannot be created; replay assistant turns as output_text.', `${p}.type`);
        if (role === 'assistant' && part.type === 'text')
          throw invalid('invalid_value', "Invalid value: 'text'. Assistant content in the GA API is 'output_text'.", `${p}.type`);
        // Content types per role (spec RealtimeConversationItemSystemMessage / UserMessage / AssistantMessage):
        // system input_text; user input_text, input_audio (base64 audio, optional transcript), input_image
        // (image_url data URI, detail auto|low|high); assistant output_text.
        const allowed = role === 'assistant' ? ['output_text'] : role === 'user' ? ['input_text', 'input_audio', 'input_image'] : ['input_text'];
        if (!allowed.includes(String(part.type)))
          throw invalid('invalid_value', `Invalid value for '${p}.type': a ${role} message takes ${allowed.join(', ')} content.`, `${p}.type`);
        if (part.type === 'input_audio') {
          if (part.audio !== undefined) text(part.audio, `${p}.audio`, MAX_MEDIA);
          if (part.audio === undefined && part.transcript === undefined) throw invalid('missing_required_parameter', `Missing required parameter: '${p}.audio'.`, `${p}.audio`);
          return { type: 'input_audio', transcript: part.transcript === undefined || part.transcript === null ? null : text(part.transcript, `${p}.transcript`) };
        }
        if (part.type === 'input_image') {
          const url = text(part.image_url, `${p}.image_url`, MAX_MEDIA);
          if (!/^data:image\/[a-z+.-]+;base64,/i.test(url)) throw invalid('invalid_value', `'${p}.image_url' must be a base64 data URI of an image.`, `${p}.image_url`);
          if (part.detail !== undefined && !['auto', 'low', 'high'].includes(String(part.detail)))
            throw invalid('invalid_value', `Invalid value for '${p}.detail': expected 'auto', 'low' or 'high'.`, `${p}.detail`);
          return { type: 'input_image', detail: (part.detail as string | undefined) ?? 'auto' };
        }
        return { type: part.type as string, text: text(part.text, `${p}.text`) };
      });
      return { ...base, type: 'message', status: 'completed', role, content };
    }
    case 'function_call':
      return {
        ...base, type: 'function_call', status: 'completed',
        call_id: text(raw.call_id, 'item.call_id'), name: text(raw.name, 'item.name'), arguments: text(raw.arguments ?? '{}', 'item.arguments'),
      };
    case 'function_call_output':
      return { ...base, type: 'function_call_output', status: 'completed', call_id: text(raw.call_id, 'item.call_id'), output: text(raw.output, 'item.output') };
    default:
      throw invalid('invalid_value', "Invalid value for 'item.type': expected 'message', 'function_call' or 'function_call_output'.", 'item.type');
  }
}
