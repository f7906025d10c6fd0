import { type JsonObject } from './session';
export declare class Conversation {
    readonly items: JsonObject[];
    get lastId(): string | null;
    find(id: string): JsonObject | undefined;
    /**
     * Inserts after `previousItemId` ('root' = at the start, undefined = at the end). Returns the id of the item
     * now before it (null at the start). Throws for an unknown previous id.
     */
    insert(item: JsonObject, previousItemId?: string | null): string | null;
    remove(id: string): boolean;
    previousOf(id: string): string | null;
    /** Script position: the number of assistant messages (spoken or replayed as output_text) so far. */
    assistantMessages(): number;
}
/** Validates a client `conversation.item.create` item and returns the stored item (id, object, status filled in). */
export declare function normaliseClientItem(raw: unknown, exists: (id: string) => boolean): JsonObject;
