import type { KioskDatabase } from './database';
export declare const DEMO_TENANT: {
    id: string;
    name: string;
    values: string;
};
export declare const DEMO_POSITIONS: {
    id: string;
    title: string;
    description: string;
    competencies: string[];
}[];
export declare const DEMO_CANDIDATES: ({
    id: string;
    name: string;
    email: string;
} | {
    id: string;
    name: string;
    email: null;
})[];
/** Seeds the demo tenant, positions and candidates if the database has no tenant. Returns whether it did. */
export declare function seedDemoData(db: KioskDatabase): boolean;
