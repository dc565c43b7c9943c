// A typed client of the contract, as a front end writes one: every document comes from
// generated/graphql.ts (GraphQL Code Generator over schema.graphql and ../shared/contract/),
// and `tsc --noEmit` checks this file against it. A change of the schema that a client
// would notice (a field gone or renamed, a type changed, a mutation answering an error its
// union did not list before) fails here, not in a patient's app.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

import {
  BookAppointmentDocument,
  DepartmentsDocument,
  MeDocument,
  ScheduleAvailabilityDocument,
  SignInDocument,
  type BookAppointmentMutation,
  type ErrorCode,
  type ScheduleStatus,
  type SignInMutation,
} from "./generated/graphql";

/** What sends a document: fetch, Apollo, urql... The example needs only its type. */
type Send = <TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
) => Promise<TResult>;

function unreachable(answer: never): never {
  throw new Error(`an answer codegen did not announce: ${JSON.stringify(answer)}`);
}

/** Every answer of signIn, handled: adding or removing an error of SignInResult fails tsc. */
export function describeSignIn(answer: SignInMutation["signIn"]): string {
  switch (answer.__typename) {
    case "SignInSuccess":
      return `signed in as ${answer.me.id} (verified: ${answer.me.verified})`;
    case "InvalidInputError":
    case "RateLimitedError":
    case "UpstreamUnavailableError":
      return `${answer.code}: ${answer.message}`;
    default:
      return unreachable(answer);
  }
}

export async function signIn(send: Send, code: string): Promise<string | null> {
  const data = await send(SignInDocument, { code });
  return data.signIn.__typename === "SignInSuccess" ? data.signIn.token : null;
}

/** Signed out, `me` is null and the departments are still there. */
export async function greeting(send: Send): Promise<string> {
  const [{ departments }, { me }] = await Promise.all([
    send(DepartmentsDocument, {}),
    send(MeDocument, {}),
  ]);
  const names: string[] = departments.map((d) => d.name);
  if (me === null) {
    return `Welcome! ${names.length} departments`;
  }
  const patients: number = me.patients.length;
  return `${me.maskedName ?? me.id}: ${patients} patients, ${names.length} departments`;
}

/** A booking's answer: the order, or the code the app explains. */
export async function book(
  send: Send,
  patientId: string,
  slotId: string,
  idempotencyKey: string,
): Promise<{ orderId: string } | { code: ErrorCode }> {
  const { bookAppointment: answer } = await send(BookAppointmentDocument, {
    input: { patientId, slotId, idempotencyKey },
  });
  if (answer.__typename === "BookAppointmentSuccess") {
    const amountInFen: number = answer.order.amount;
    return { orderId: `${answer.order.id} (${amountInFen} fen)` };
  }
  return { code: answer.code };
}

// Only the failures a booking can have are announced: a sign-in's rate limit is not one.
type BookingFailure = Exclude<
  BookAppointmentMutation["bookAppointment"],
  { __typename: "BookAppointmentSuccess" }
>["__typename"];
export const bookingIsNeverRateLimited: "RateLimitedError" extends BookingFailure ? never : true =
  true;
export const bookingCanBeFull: "SlotFullError" extends BookingFailure ? true : never = true;

/** One event of ScheduleAvailability: the places left. */
export function placesLeft(
  send: Send,
  scheduleId: string,
): Promise<{ status: ScheduleStatus; remaining: number }> {
  return send(ScheduleAvailabilityDocument, { scheduleId }).then(({ scheduleUpdated }) => ({
    status: scheduleUpdated.status,
    remaining: scheduleUpdated.remaining,
  }));
}
