// Compile-time proof (checked by `tsc -b`, nothing runs) that the contract table and main's zod schemas cannot
// drift in either direction. Each `@ts-expect-error` line is a deliberate one-sided change: if the check stopped
// catching it, the directive itself would fail to compile.
import { z } from 'zod';
import type { CallStartReason, KioskApi, RequestOf, StartCallRequest } from '../../preload/contract';
import { REQUEST_SCHEMAS, type SameType } from '../../main/core/api/schemas';

type Expect<T extends true> = T;
type StartCallSchemaOut = z.output<typeof REQUEST_SCHEMAS.startCall>;

// The real pair matches.
export type RealPairMatches = Expect<SameType<StartCallSchemaOut, RequestOf<'startCall'>>>;

// A reason the schema accepts but the contract does not have (enum widened on the schema side).
const widenedSchema = REQUEST_SCHEMAS.startCall.extend({ reason: z.enum(['start', 'reconnect', 'rollover', 'restart', 'resume']).optional() });
// @ts-expect-error the schema's enum is wider than the contract's
export type SchemaWidened = Expect<SameType<z.output<typeof widenedSchema>, StartCallRequest>>;

// A reason the contract has but the schema would refuse at run time (enum widened on the contract side).
type WidenedContract = Omit<StartCallRequest, 'reason'> & { reason?: CallStartReason | 'resume' };
// @ts-expect-error the contract's enum is wider than the schema's
export type ContractWidened = Expect<SameType<StartCallSchemaOut, WidenedContract>>;

// A new optional field in the contract only (the strict schema would refuse it).
// @ts-expect-error the contract has a field the schema does not
export type ContractGrewField = Expect<SameType<StartCallSchemaOut, StartCallRequest & { note?: string }>>;

// An optional field made required on one side.
// @ts-expect-error optionality differs
export type OptionalityDiffers = Expect<SameType<StartCallSchemaOut, Required<StartCallRequest>>>;

// KioskApi is derived from the table: a method takes no argument exactly when its request type is undefined.
export type NoArgument = Expect<SameType<Parameters<KioskApi['getSettings']>, []>>;
export type OptionalArgument = Expect<SameType<Parameters<KioskApi['retryQuarantined']>, [request?: RequestOf<'retryQuarantined'>]>>;
