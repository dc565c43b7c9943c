import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
};

/** Recorded, or why not */
export type AcceptNoticeSubscriptionsResult = AcceptNoticeSubscriptionsSuccess | InvalidInputError | NotVerifiedError;

/** The WeChat subscription notices the caller accepted are recorded */
export type AcceptNoticeSubscriptionsSuccess = {
  __typename?: 'AcceptNoticeSubscriptionsSuccess';
  /** Kinds of notice now pushed to this WeChat account's phone */
  acceptedKinds: Array<NoticeKind>;
};

/** Booked, or why not */
export type AcceptWaitlistOfferResult = AcceptWaitlistOfferSuccess | BookingLimitReachedError | DuplicateBookingError | IneligibleAgeError | IneligibleSexError | InvalidInputError | InvalidStateError | NotFoundError | NotVerifiedError | ScheduleNotOpenError | SlotFullError | TryAgainError | UpstreamUnavailableError | UserRestrictedError;

/** Booked: pay the order within its window, as any booking */
export type AcceptWaitlistOfferSuccess = {
  __typename?: 'AcceptWaitlistOfferSuccess';
  /** The order, AWAITING_PAYMENT */
  order: Order;
};

/** Why a read was allowed: SELF (the patient), GUARDIAN (of a minor), GRANT */
export type AccessBasis =
  /** The patient granted the reader access */
  | 'GRANT'
  /** The reader bound the patient as their minor child */
  | 'GUARDIAN'
  /** The reader is the patient */
  | 'SELF';

/** A failure with code ALREADY_BOUND */
export type AlreadyBoundError = UserError & {
  __typename?: 'AlreadyBoundError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code ALREADY_CHECKED_IN */
export type AlreadyCheckedInError = UserError & {
  __typename?: 'AlreadyCheckedInError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code ALREADY_WAITING */
export type AlreadyWaitingError = UserError & {
  __typename?: 'AlreadyWaitingError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** The visit a registration is for */
export type Appointment = {
  __typename?: 'Appointment';
  /** Visit day */
  date: Scalars['Date']['output'];
  /** Department */
  department: DepartmentRef;
  /** End of the booked time slot */
  endsAt: Scalars['DateTime']['output'];
  /** Expert */
  expert: ExpertRef;
  /** Morning, afternoon or evening */
  period: Period;
  /** Start of the booked time slot */
  startsAt: Scalars['DateTime']['output'];
};

/** An unpaid outpatient bill (tests, drugs) a doctor ordered */
export type Bill = {
  __typename?: 'Bill';
  /** Total in fen */
  amount: Scalars['Int']['output'];
  /** Bill ID */
  id: Scalars['ID']['output'];
  /** When the doctor ordered it */
  issuedAt: Scalars['DateTime']['output'];
  /** Its lines */
  items: Array<OrderItem>;
  /** What it is for */
  title: Scalars['String']['output'];
};

/** A person to bind, as the hospital knows them */
export type BindPatientInput = {
  /** 18-character resident ID number */
  idNumber: Scalars['String']['input'];
  /** Full name as on the ID card */
  name: Scalars['String']['input'];
  /** The phone number the hospital has for them */
  phone: Scalars['String']['input'];
  /** How they are related to the user */
  relation: Relation;
};

/** Bound, or why not */
export type BindPatientResult = AlreadyBoundError | BindPatientSuccess | IdentityMismatchError | InvalidIdNumberError | InvalidInputError | NotVerifiedError | PatientLimitReachedError | RateLimitedError | UpstreamUnavailableError;

/** Patient bound */
export type BindPatientSuccess = {
  __typename?: 'BindPatientSuccess';
  /** The bound patient */
  patient: Patient;
};

/** Book a time slot for a bound patient */
export type BookAppointmentInput = {
  /** Same key, same order: safe to retry */
  idempotencyKey: Scalars['String']['input'];
  /** A bound patient */
  patientId: Scalars['ID']['input'];
  /** The time slot */
  slotId: Scalars['ID']['input'];
};

/** Booked, or why not */
export type BookAppointmentResult = BookAppointmentSuccess | BookingLimitReachedError | DuplicateBookingError | IneligibleAgeError | IneligibleSexError | InvalidInputError | InvalidStateError | NotFoundError | NotVerifiedError | ScheduleNotOpenError | SlotFullError | TryAgainError | UpstreamUnavailableError | UserRestrictedError;

/** Booked: pay within the window (expiresAt) */
export type BookAppointmentSuccess = {
  __typename?: 'BookAppointmentSuccess';
  /** The new order, AWAITING_PAYMENT */
  order: Order;
};

/** A failure with code BOOKING_LIMIT_REACHED */
export type BookingLimitReachedError = UserError & {
  __typename?: 'BookingLimitReachedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Cancelled, or why not */
export type CancelAppointmentResult = CancelAppointmentSuccess | CancelNotAllowedError | InvalidInputError | InvalidStateError | NotFoundError | UpstreamUnavailableError;

/** Cancelled; the order's refund says what happens to the money */
export type CancelAppointmentSuccess = {
  __typename?: 'CancelAppointmentSuccess';
  /** The cancelled order, with its refund */
  order: Order;
};

/** A failure with code CANCEL_NOT_ALLOWED */
export type CancelNotAllowedError = UserError & {
  __typename?: 'CancelNotAllowedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code CHECK_IN_CLOSED */
export type CheckInClosedError = UserError & {
  __typename?: 'CheckInClosedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Where the phone is (WGS-84), when the hospital checks distance */
export type CheckInLocation = {
  /** Latitude in degrees, -90 to 90 */
  latitude: Scalars['Float']['input'];
  /** Longitude in degrees, -180 to 180 */
  longitude: Scalars['Float']['input'];
};

/** A failure with code CHECK_IN_NOT_OPEN */
export type CheckInNotOpenError = UserError & {
  __typename?: 'CheckInNotOpenError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Checked in, or why not */
export type CheckInResult = AlreadyCheckedInError | CheckInClosedError | CheckInNotOpenError | CheckInSuccess | InvalidInputError | InvalidStateError | NotFoundError | TooFarFromHospitalError | UpstreamUnavailableError;

/** Checked in: the order and its place in the queue */
export type CheckInSuccess = {
  __typename?: 'CheckInSuccess';
  /** The registration that checked in */
  order: Order;
  /** Its place in the queue now */
  queue: QueueState;
};

/** One day's figures of the patient channel (hospital zone) */
export type DayStatistics = {
  __typename?: 'DayStatistics';
  /** Registration orders created that day */
  booked: Scalars['Int']['output'];
  /** Registrations the patient cancelled */
  cancellations: Scalars['Int']['output'];
  /** registrations / hisRegistrations (0 to 1); null when the HIS did not answer */
  channelShare: Maybe<Scalars['Float']['output']>;
  /** The day (hospital zone) */
  date: Scalars['Date']['output'];
  /** The HIS's registrations for visits that day at every channel; null when the HIS did not answer */
  hisRegistrations: Maybe<Scalars['Int']['output']>;
  /** Registrations for visits that day missed */
  noShows: Scalars['Int']['output'];
  /** Payments whose money arrived that day */
  payments: Scalars['Int']['output'];
  /** Money that arrived that day, in fen */
  paymentsAmount: Scalars['Int']['output'];
  /** Refunds owed that day, by mode */
  refunds: Array<RefundFigure>;
  /** Our registrations for visits that day the HIS holds (not cancelled) */
  registrations: Scalars['Int']['output'];
  /** Registrations cancelled because the expert stopped work (停诊) */
  suspensions: Scalars['Int']['output'];
};

/** Declined, or why not */
export type DeclineWaitlistOfferResult = DeclineWaitlistOfferSuccess | InvalidInputError | InvalidStateError | NotFoundError | NotVerifiedError;

/** Declined: the place went to the next in line */
export type DeclineWaitlistOfferSuccess = {
  __typename?: 'DeclineWaitlistOfferSuccess';
  /** The declined offer */
  offer: WaitlistOffer;
};

/** A clinical department of the hospital */
export type Department = {
  __typename?: 'Department';
  /** Sub-departments, if any */
  children: Array<Department>;
  /** The department's experts */
  experts: Array<Expert>;
  /** Opaque department ID */
  id: Scalars['ID']['output'];
  /** What the department treats */
  intro: Scalars['String']['output'];
  /** Where it is, e.g. 门诊楼3层B区 */
  location: Scalars['String']['output'];
  /** Name, in Chinese */
  name: Scalars['String']['output'];
  /** Who may book; null when anyone may */
  restriction: Maybe<Restriction>;
};

/** A department, as named on an order */
export type DepartmentRef = {
  __typename?: 'DepartmentRef';
  /** Department ID */
  id: Scalars['ID']['output'];
  /** Department name */
  name: Scalars['String']['output'];
};

/** A failure with code DUPLICATE_BOOKING */
export type DuplicateBookingError = UserError & {
  __typename?: 'DuplicateBookingError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Can the patient book here; if not, the code and a reason to show */
export type Eligibility = {
  __typename?: 'Eligibility';
  /** Why not, for programs */
  code: Maybe<ErrorCode>;
  /** True when booking would be accepted now */
  eligible: Scalars['Boolean']['output'];
  /** Why not, for the patient */
  reason: Maybe<Scalars['String']['output']>;
};

/** Stable codes of expected failures, for programs */
export type ErrorCode =
  /** This patient is bound already */
  | 'ALREADY_BOUND'
  /** The registration is checked in already; see order.queue */
  | 'ALREADY_CHECKED_IN'
  /** The patient is on this waitlist already */
  | 'ALREADY_WAITING'
  /** The patient holds as many bookings as allowed */
  | 'BOOKING_LIMIT_REACHED'
  /** Visited, invoice printed, or past the visit: cannot cancel */
  | 'CANCEL_NOT_ALLOWED'
  /** Check-in has closed: the slot is over */
  | 'CHECK_IN_CLOSED'
  /** Check-in has not opened yet (it opens before the slot starts) */
  | 'CHECK_IN_NOT_OPEN'
  /** The patient is booked on this schedule already */
  | 'DUPLICATE_BOOKING'
  /** The caller may not do this (staff only) */
  | 'FORBIDDEN'
  /** Name, ID number and phone do not match the hospital's records */
  | 'IDENTITY_MISMATCH'
  /** The patient's age is outside the department's range */
  | 'INELIGIBLE_AGE'
  /** The department does not see patients of this sex */
  | 'INELIGIBLE_SEX'
  /** Not a valid 18-character resident ID number */
  | 'INVALID_ID_NUMBER'
  /** An argument is malformed, out of range or unknown */
  | 'INVALID_INPUT'
  /** The object is not in a state that allows this now */
  | 'INVALID_STATE'
  /** No such object, or not the caller's (the two look the same) */
  | 'NOT_FOUND'
  /** Verify the identity first (verifyIdentity) */
  | 'NOT_VERIFIED'
  /** The order is cancelled, failed or refunded, and cannot be paid */
  | 'ORDER_CLOSED'
  /** The payment window has ended; book again */
  | 'ORDER_EXPIRED'
  /** The user has bound as many patients as allowed */
  | 'PATIENT_LIMIT_REACHED'
  /** Medical-insurance patients pay outpatient bills at the hospital */
  | 'PAY_AT_HOSPITAL'
  /** Places are free on this schedule: book one instead of waiting */
  | 'PLACES_AVAILABLE'
  /** Too many attempts; try again later */
  | 'RATE_LIMITED'
  /** The schedule is suspended, closed, over or not yet open */
  | 'SCHEDULE_NOT_OPEN'
  /** No place is left in this slot */
  | 'SLOT_FULL'
  /** Check in near the hospital (the phone's location is too far) */
  | 'TOO_FAR_FROM_HOSPITAL'
  /** Too many bookings at once: nothing was taken; send the same request again */
  | 'TRY_AGAIN'
  /** The HIS, the bank or the sign-in platform is away; try again */
  | 'UPSTREAM_UNAVAILABLE'
  /** The user may not book or pay online until restrictedUntil */
  | 'USER_RESTRICTED';

/** A doctor who sees patients on a schedule */
export type Expert = {
  __typename?: 'Expert';
  /** The expert's department */
  department: Maybe<Department>;
  /** Opaque expert ID */
  id: Scalars['ID']['output'];
  /** A longer introduction */
  intro: Scalars['String']['output'];
  /** Full name */
  name: Scalars['String']['output'];
  /** Portrait URL */
  photoUrl: Maybe<Scalars['String']['output']>;
  /** The expert's schedules between two dates (at most 31 days) */
  schedules: Array<Schedule>;
  /** What the expert is known for */
  specialty: Scalars['String']['output'];
  /** Professional title, e.g. 主任医师 */
  title: Scalars['String']['output'];
};


/** A doctor who sees patients on a schedule */
export type ExpertSchedulesArgs = {
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
};

/** An expert, as named on an order */
export type ExpertRef = {
  __typename?: 'ExpertRef';
  /** Expert ID */
  id: Scalars['ID']['output'];
  /** Expert name */
  name: Scalars['String']['output'];
  /** Professional title */
  title: Scalars['String']['output'];
};

/** A failure with code FORBIDDEN */
export type ForbiddenError = UserError & {
  __typename?: 'ForbiddenError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Let a user who bound you read your records until a date */
export type GrantRecordAccessInput = {
  /** Their binding of you, from myRecordAccess.boundBy */
  bindingId: Scalars['ID']['input'];
  /** The last day (at most a year ahead) */
  endsOn: Scalars['Date']['input'];
  /** REPORTS and/or PRESCRIPTIONS */
  scopes: Array<RecordScope>;
};

/** Granted, or why not */
export type GrantRecordAccessResult = GrantRecordAccessSuccess | InvalidInputError | NotFoundError | NotVerifiedError;

/** Access granted */
export type GrantRecordAccessSuccess = {
  __typename?: 'GrantRecordAccessSuccess';
  /** The grant */
  grant: RecordGrant;
};

/** A failure with code IDENTITY_MISMATCH */
export type IdentityMismatchError = UserError & {
  __typename?: 'IdentityMismatchError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code INELIGIBLE_AGE */
export type IneligibleAgeError = UserError & {
  __typename?: 'IneligibleAgeError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code INELIGIBLE_SEX */
export type IneligibleSexError = UserError & {
  __typename?: 'IneligibleSexError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Self-pay or medical insurance; insured patients pay bills at the hospital */
export type Insurance =
  /** Insured: outpatient bills are paid at the hospital (PAY_AT_HOSPITAL) */
  | 'MEDICAL_INSURANCE'
  /** Pays everything; may pay outpatient bills online (payBills) */
  | 'SELF_PAY';

/** A failure with code INVALID_ID_NUMBER */
export type InvalidIdNumberError = UserError & {
  __typename?: 'InvalidIdNumberError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code INVALID_INPUT */
export type InvalidInputError = UserError & {
  __typename?: 'InvalidInputError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code INVALID_STATE */
export type InvalidStateError = UserError & {
  __typename?: 'InvalidStateError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Who waits, and for what: a scheduleId, or an expertId with dateFrom and dateTo */
export type JoinWaitlistInput = {
  /** First day (with expertId) */
  dateFrom?: InputMaybe<Scalars['Date']['input']>;
  /** Last day, inclusive (with expertId; at most 14 days by default) */
  dateTo?: InputMaybe<Scalars['Date']['input']>;
  /** Or an expert, on any day from dateFrom to dateTo */
  expertId?: InputMaybe<Scalars['ID']['input']>;
  /** One of the caller's patients */
  patientId: Scalars['ID']['input'];
  /** A full schedule to wait for */
  scheduleId?: InputMaybe<Scalars['ID']['input']>;
};

/** On the waitlist, or why not */
export type JoinWaitlistResult = AlreadyWaitingError | BookingLimitReachedError | DuplicateBookingError | IneligibleAgeError | IneligibleSexError | InvalidInputError | JoinWaitlistSuccess | NotFoundError | NotVerifiedError | PlacesAvailableError | ScheduleNotOpenError | UpstreamUnavailableError | UserRestrictedError;

/** On the waitlist */
export type JoinWaitlistSuccess = {
  __typename?: 'JoinWaitlistSuccess';
  /** The patient's place in line */
  waitlist: Waitlist;
};

/** What a page inside WeChat passes to WeixinJSBridge.invoke('getBrandWCPayRequest', ...), names as WeChat spells them */
export type JsapiPayParams = {
  __typename?: 'JsapiPayParams';
  /** The official account's appid */
  appId: Scalars['String']['output'];
  /** Random string signed along */
  nonceStr: Scalars['String']['output'];
  /** prepay_id=... of the bank order */
  package: Scalars['String']['output'];
  /** The merchant's signature over the four values above */
  paySign: Scalars['String']['output'];
  /** Always RSA */
  signType: Scalars['String']['output'];
  /** Unix seconds, as text */
  timeStamp: Scalars['String']['output'];
};

/** Off the waitlist, or why not */
export type LeaveWaitlistResult = InvalidInputError | LeaveWaitlistSuccess | NotFoundError | NotVerifiedError;

/** Off the waitlist; a place held for the patient went to the next */
export type LeaveWaitlistSuccess = {
  __typename?: 'LeaveWaitlistSuccess';
  /** The entry left */
  waitlistId: Scalars['ID']['output'];
};

/** Marked read, or why not */
export type MarkNoticesReadResult = InvalidInputError | MarkNoticesReadSuccess;

/** Marked read */
export type MarkNoticesReadSuccess = {
  __typename?: 'MarkNoticesReadSuccess';
  /** Unread notices left */
  unreadCount: Scalars['Int']['output'];
};

/** Who is signed in: a patient's account (WeChat or Alipay) or a staff member */
export type Me = {
  __typename?: 'Me';
  /** Stable ID of the signed-in account (acc_…), or of the staff member (stf_…); it never changes, verified or not */
  id: Scalars['ID']['output'];
  /** The verified name, masked: 张* */
  maskedName: Maybe<Scalars['String']['output']>;
  /** Bound patients, oldest binding first */
  patients: Array<Patient>;
  /** Booking is refused until this time (no-shows, or staff) */
  restrictedUntil: Maybe<Scalars['DateTime']['output']>;
  /** The hospital user this account is tied to once the identity is verified (the ID staff tools name in restrictUser); null before, and for staff */
  userId: Maybe<Scalars['ID']['output']>;
  /** Has the identity been verified by national ID */
  verified: Scalars['Boolean']['output'];
  /** The patients' live waitlists (waiting, or with a place held), oldest first, each with its position in line and its offer; empty for staff */
  waitlists: Array<Waitlist>;
};

/** What a client can change; each answers its success type or a UserError as data */
export type Mutation = {
  __typename?: 'Mutation';
  /** Record the templates the user accepted in WeChat's subscribe prompt (wx.requestSubscribeMessage / wx-open-subscribe): their notices are pushed to the phone */
  acceptNoticeSubscriptions: AcceptNoticeSubscriptionsResult;
  /** Book the place held for the patient: an order awaiting payment in the usual window; accepting again answers the same order */
  acceptWaitlistOffer: AcceptWaitlistOfferResult;
  /** Bind a person from the hospital's master index (at most 5) */
  bindPatient: BindPatientResult;
  /** Hold a slot for a patient and bill it; pay within the window. Same idempotencyKey, same order */
  bookAppointment: BookAppointmentResult;
  /** Cancel a booking (退号); a paid one is refunded (see order.refund) */
  cancelAppointment: CancelAppointmentResult;
  /** Check in on the visit day (签到): a CONFIRMED registration joins the hospital's queue, from shortly before its slot until the slot ends; then watch queueUpdates or order.queue */
  checkIn: CheckInResult;
  /** Decline the place held for the patient: it passes to the next in line, and the patient leaves that waitlist */
  declineWaitlistOffer: DeclineWaitlistOfferResult;
  /** As the patient: let a user who bound you read your reports and/or prescriptions until a date (replaces their earlier grant) */
  grantRecordAccess: GrantRecordAccessResult;
  /** Wait for a full schedule (or an expert over a few days): when a place comes back, it is held for the first eligible waiter and a WAITLIST_OFFER notice sent */
  joinWaitlist: JoinWaitlistResult;
  /** Leave a waitlist; a place held for the patient passes on */
  leaveWaitlist: LeaveWaitlistResult;
  /** Mark the caller's notices read */
  markNoticesRead: MarkNoticesReadResult;
  /** One order to pay chosen outpatient bills (self-pay patients only) */
  payBills: PayBillsResult;
  /** Start paying an order at the bank; open payUrl for the patient */
  payOrder: PayOrderResult;
  /** Staff: mark a reconciliation finding dealt with, with a note (kept) */
  resolveReconciliationFinding: ResolveReconciliationFindingResult;
  /** Staff: restrict a user from booking until a time */
  restrictUser: RestrictUserResult;
  /** As the patient: take a grant back at once */
  revokeRecordAccess: RevokeRecordAccessResult;
  /** Staff: reconcile a past day with the bank's trade bill (safe to repeat) */
  runReconciliation: RunReconciliationResult;
  /** Exchange a one-time WeChat code for a session token */
  signIn: SignInResult;
  /** Staff: the expert stops work; every booked order is cancelled and refunded in full */
  suspendSchedule: SuspendScheduleResult;
  /** Unbind a patient; their orders stay in the history */
  unbindPatient: UnbindPatientResult;
  /** Tie this account to the hospital user of a national ID (name and phone must match) */
  verifyIdentity: VerifyIdentityResult;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationAcceptNoticeSubscriptionsArgs = {
  templateIds: Array<Scalars['String']['input']>;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationAcceptWaitlistOfferArgs = {
  offerId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationBindPatientArgs = {
  input: BindPatientInput;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationBookAppointmentArgs = {
  input: BookAppointmentInput;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationCancelAppointmentArgs = {
  orderId: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationCheckInArgs = {
  location?: InputMaybe<CheckInLocation>;
  orderId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationDeclineWaitlistOfferArgs = {
  offerId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationGrantRecordAccessArgs = {
  input: GrantRecordAccessInput;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationJoinWaitlistArgs = {
  input: JoinWaitlistInput;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationLeaveWaitlistArgs = {
  waitlistId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationMarkNoticesReadArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationPayBillsArgs = {
  input: PayBillsInput;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationPayOrderArgs = {
  channel?: PayChannel;
  idempotencyKey: Scalars['String']['input'];
  orderId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationResolveReconciliationFindingArgs = {
  id: Scalars['ID']['input'];
  note: Scalars['String']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationRestrictUserArgs = {
  reason: Scalars['String']['input'];
  until: Scalars['DateTime']['input'];
  userId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationRevokeRecordAccessArgs = {
  grantId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationRunReconciliationArgs = {
  date: Scalars['Date']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationSignInArgs = {
  code: Scalars['String']['input'];
  platform: Platform;
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationSuspendScheduleArgs = {
  reason: Scalars['String']['input'];
  scheduleId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationUnbindPatientArgs = {
  patientId: Scalars['ID']['input'];
};


/** What a client can change; each answers its success type or a UserError as data */
export type MutationVerifyIdentityArgs = {
  input: VerifyIdentityInput;
};

/** A failure with code NOT_FOUND */
export type NotFoundError = UserError & {
  __typename?: 'NotFoundError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code NOT_VERIFIED */
export type NotVerifiedError = UserError & {
  __typename?: 'NotVerifiedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A message to the user: an order changed, a report is ready, an expert stopped work */
export type Notice = {
  __typename?: 'Notice';
  /** The message */
  body: Scalars['String']['output'];
  /** When */
  createdAt: Scalars['DateTime']['output'];
  /** Notice ID */
  id: Scalars['ID']['output'];
  /** What happened */
  kind: NoticeKind;
  /** The order concerned */
  orderId: Maybe<Scalars['ID']['output']>;
  /** The patient concerned */
  patientId: Maybe<Scalars['ID']['output']>;
  /** Marked read */
  read: Scalars['Boolean']['output'];
  /** Short title */
  title: Scalars['String']['output'];
};

/** A page of notices, newest first */
export type NoticeConnection = {
  __typename?: 'NoticeConnection';
  /** The notices of this page */
  edges: Array<NoticeEdge>;
  /** Whether more follow, and from where */
  pageInfo: PageInfo;
  /** Unread notices in all */
  unreadCount: Scalars['Int']['output'];
};

/** One notice in a page, with its cursor */
export type NoticeEdge = {
  __typename?: 'NoticeEdge';
  /** This item's cursor */
  cursor: Scalars['String']['output'];
  /** The notice */
  node: Notice;
};

/** What a notice tells the patient */
export type NoticeKind =
  /** The expert stopped work; the booking is cancelled and refunded */
  | 'EXPERT_SUSPENDED'
  /** An order was cancelled (by the patient or the hospital) */
  | 'ORDER_CANCELLED'
  /** The registration or bill payment is confirmed by the hospital */
  | 'ORDER_CONFIRMED'
  /** An order was not paid in time and is closed */
  | 'ORDER_EXPIRED'
  /** The hospital could not confirm a paid order; the money comes back */
  | 'ORDER_FAILED'
  /** A checked-in patient is called to the consulting room */
  | 'QUEUE_CALLED'
  /** A checked-in patient's turn is near (a few patients ahead) */
  | 'QUEUE_NEAR'
  /** A refund reached the patient */
  | 'REFUND_SUCCEEDED'
  /** A lab or exam report is ready to read */
  | 'REPORT_READY'
  /** A reminder of an upcoming visit */
  | 'VISIT_REMINDER'
  /** A place came back and is held for a waiting patient for a few minutes: accept it (acceptWaitlistOffer) or decline it */
  | 'WAITLIST_OFFER';

/** A registration or outpatient bill payment, and where its money stands */
export type Order = {
  __typename?: 'Order';
  /** Total in fen */
  amount: Scalars['Int']['output'];
  /** The visit (registrations only) */
  appointment: Maybe<Appointment>;
  /** When it was created */
  createdAt: Scalars['DateTime']['output'];
  /** End of the payment window */
  expiresAt: Scalars['DateTime']['output'];
  /** Opaque order ID */
  id: Scalars['ID']['output'];
  /** What is paid for */
  items: Array<OrderItem>;
  /** REGISTRATION or CLINIC_PAYMENT */
  kind: OrderKind;
  /** When the bank took the money */
  paidAt: Maybe<Scalars['DateTime']['output']>;
  /** Who it is for */
  patient: PatientRef;
  /** The place in the visit day's queue once checked in (checkIn), read from the hospital; null before check-in and on other days */
  queue: Maybe<QueueState>;
  /** The refund, when money is going back */
  refund: Maybe<RefundInfo>;
  /** Where it stands on the money path */
  status: OrderStatus;
  /** The electronic ticket, once CONFIRMED */
  ticket: Maybe<Ticket>;
};

/** A failure with code ORDER_CLOSED: cancelled, failed or refunded, not payable */
export type OrderClosedError = UserError & {
  __typename?: 'OrderClosedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A page of orders, newest first */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The orders of this page */
  edges: Array<OrderEdge>;
  /** Whether more follow, and from where */
  pageInfo: PageInfo;
};

/** One order in a page, with its cursor */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** This item's cursor */
  cursor: Scalars['String']['output'];
  /** The order */
  node: Order;
};

/** A failure with code ORDER_EXPIRED */
export type OrderExpiredError = UserError & {
  __typename?: 'OrderExpiredError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** One line of a bill: what is paid for */
export type OrderItem = {
  __typename?: 'OrderItem';
  /** Price in fen */
  amount: Scalars['Int']['output'];
  /** Item code */
  code: Scalars['String']['output'];
  /** What it is, e.g. 挂号费 */
  name: Scalars['String']['output'];
};

/** What an order pays for */
export type OrderKind =
  /** Outpatient bills (门诊缴费) chosen by the patient */
  | 'CLINIC_PAYMENT'
  /** A registration (挂号): one place on a schedule */
  | 'REGISTRATION';

/** Where an order stands on the money path */
export type OrderStatus =
  /** Slot held (or bills locked), bill issued, payment window running */
  | 'AWAITING_PAYMENT'
  /** Cancelled by the patient, or by a suspension; `refund` says what happens to the money */
  | 'CANCELLED'
  /** The visit took place */
  | 'COMPLETED'
  /** The HIS confirmed the registration or the bill payment */
  | 'CONFIRMED'
  /** Not paid within the window; the hold is released */
  | 'EXPIRED'
  /** Money taken but the HIS refused to confirm; `refund` says what happens to the money */
  | 'FAILED'
  /** The bank took the money; the HIS has not confirmed yet */
  | 'PAID';

/** Where a page ends and whether more follow */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` for the next page */
  endCursor: Maybe<Scalars['String']['output']>;
  /** More items after this page */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A person the user may book and pay for (themselves or family) */
export type Patient = {
  __typename?: 'Patient';
  /** From the hospital's records */
  birthDate: Scalars['Date']['output'];
  /** The hospital card number */
  cardNumber: Scalars['String']['output'];
  /** The patient's ID (stable across re-binding) */
  id: Scalars['ID']['output'];
  /** Self-pay or medical insurance */
  insurance: Insurance;
  /** National ID number, masked: 1101**********1234 */
  maskedIdNumber: Scalars['String']['output'];
  /** Full name, as the hospital has it */
  name: Scalars['String']['output'];
  /** How the patient is related to the user */
  relation: Relation;
  /** From the hospital's records */
  sex: Sex;
};

/** A failure with code PATIENT_LIMIT_REACHED */
export type PatientLimitReachedError = UserError & {
  __typename?: 'PatientLimitReachedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** The patient an order is for */
export type PatientRef = {
  __typename?: 'PatientRef';
  /** The patient's ID */
  id: Scalars['ID']['output'];
  /** The patient's name */
  name: Scalars['String']['output'];
};

/** A failure with code PAY_AT_HOSPITAL */
export type PayAtHospitalError = UserError & {
  __typename?: 'PayAtHospitalError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Pay some of a patient's outpatient bills together */
export type PayBillsInput = {
  /** The bills to pay */
  billIds: Array<Scalars['ID']['input']>;
  /** Same key, same order: safe to retry */
  idempotencyKey: Scalars['String']['input'];
  /** A bound self-pay patient */
  patientId: Scalars['ID']['input'];
};

/** An order to pay, or why not */
export type PayBillsResult = InvalidInputError | InvalidStateError | NotFoundError | NotVerifiedError | PayAtHospitalError | PayBillsSuccess | UpstreamUnavailableError | UserRestrictedError;

/** An order for the chosen bills: pay within the window */
export type PayBillsSuccess = {
  __typename?: 'PayBillsSuccess';
  /** The new CLINIC_PAYMENT order, to pay */
  order: Order;
};

/** H5: the bank's cashier page in a browser; JSAPI: paid inside WeChat */
export type PayChannel =
  /** The bank's cashier page in a browser: open payment.payUrl */
  | 'H5'
  /** Inside WeChat: call WeixinJSBridge with payment.jsapi */
  | 'JSAPI';

/** A payment to complete, or why not */
export type PayOrderResult = InvalidInputError | InvalidStateError | NotFoundError | NotVerifiedError | OrderClosedError | OrderExpiredError | PayOrderSuccess | UpstreamUnavailableError | UserRestrictedError;

/** The payment to make at the bank's cashier */
export type PayOrderSuccess = {
  __typename?: 'PayOrderSuccess';
  /** The payment to complete at the bank */
  payment: Payment;
};

/** A payment at the bank for one order */
export type Payment = {
  __typename?: 'Payment';
  /** Amount in fen */
  amount: Scalars['Int']['output'];
  /** The cashier refuses payment after this */
  expiresAt: Scalars['DateTime']['output'];
  /** Payment ID */
  id: Scalars['ID']['output'];
  /** For a pending JSAPI payment, the parameters to pay it inside WeChat (freshly signed on each read); null for H5 or once the payment is settled */
  jsapi: Maybe<JsapiPayParams>;
  /** The bank's cashier page; open it for the patient to pay (empty for JSAPI) */
  payUrl: Scalars['String']['output'];
  /** PENDING until the bank says */
  status: PaymentStatus;
};

/** The bank's view of one payment */
export type PaymentStatus =
  /** Closed unpaid (the window ended, or the order was cancelled) */
  | 'CLOSED'
  /** The bank refused the payment */
  | 'FAILED'
  /** Opened at the bank; the patient has not paid yet */
  | 'PENDING'
  /** The bank took the money */
  | 'SUCCEEDED';

/** The part of the day a schedule covers */
export type Period =
  /** Afternoon clinic (下午) */
  | 'AFTERNOON'
  /** Evening clinic (夜间) */
  | 'EVENING'
  /** Morning clinic (上午) */
  | 'MORNING';

/** A failure with code PLACES_AVAILABLE: the schedule has free places; book one */
export type PlacesAvailableError = UserError & {
  __typename?: 'PlacesAvailableError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Where the account signs in from */
export type Platform =
  /** An Alipay mini-program (signIn with Alipay's auth code) */
  | 'ALIPAY'
  /** A WeChat official account or mini-program (signIn with WeChat's OAuth code) */
  | 'WECHAT';

/** A prescription */
export type Prescription = {
  __typename?: 'Prescription';
  /** Diagnosis */
  diagnosis: Scalars['String']['output'];
  /** Prescribing doctor */
  doctorName: Scalars['String']['output'];
  /** Prescription ID */
  id: Scalars['ID']['output'];
  /** When it was written */
  issuedAt: Scalars['DateTime']['output'];
  /** The drugs */
  items: Array<PrescriptionItem>;
};

/** One drug, and how to take it (用药指导) */
export type PrescriptionItem = {
  __typename?: 'PrescriptionItem';
  /** For how many days */
  days: Scalars['Int']['output'];
  /** Dose */
  dose: Scalars['String']['output'];
  /** Drug */
  drugName: Scalars['String']['output'];
  /** How often */
  frequency: Scalars['String']['output'];
  /** Medication guidance */
  guidance: Maybe<Scalars['String']['output']>;
  /** How taken */
  route: Scalars['String']['output'];
};

/** What a client can read: the catalogue for anyone, the rest signed in */
export type Query = {
  __typename?: 'Query';
  /** One department, or null */
  department: Maybe<Department>;
  /** Every department, top-level and sub-departments alike */
  departments: Array<Department>;
  /** One expert, or null */
  expert: Maybe<Expert>;
  /** Who is signed in, with their patients; null with an UNAUTHENTICATED error at this path when no token, or a bad or expired one, is sent */
  me: Maybe<Me>;
  /** Who bound the caller, whom the caller lets read their records, and who read what; null until the caller is verified */
  myRecordAccess: Maybe<RecordAccess>;
  /** The caller's notices, newest first */
  notices: NoticeConnection;
  /** One of the caller's orders, or null */
  order: Maybe<Order>;
  /** The caller's orders, newest first */
  orders: OrderConnection;
  /** A patient's prescriptions with medication guidance, on the same terms as reports */
  prescriptions: Array<Prescription>;
  /** Staff: one day's reconciliation, or null if not run */
  reconciliation: Maybe<Reconciliation>;
  /** One report you may read (see reports), or null */
  report: Maybe<Report>;
  /** A patient's lab and exam reports, newest first: your own, a minor child's, or those the patient granted you; empty otherwise */
  reports: ReportConnection;
  /** Staff: who waits for one schedule, in the order they are served, with the place held for each, if any */
  scheduleWaitlist: Array<Waitlist>;
  /** A department's schedules between two dates (at most 31 days) */
  schedules: Array<Schedule>;
  /** Staff: the patient channel's figures per day (at most 92 days), for one department or the whole hospital */
  statistics: Statistics;
  /** A self-pay patient's unpaid outpatient bills */
  unpaidBills: Array<Bill>;
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryDepartmentArgs = {
  id: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryExpertArgs = {
  id: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryNoticesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  patientId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<Array<OrderStatus>>;
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryPrescriptionsArgs = {
  patientId: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryReconciliationArgs = {
  date: Scalars['Date']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryReportArgs = {
  id: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryReportsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  patientId: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryScheduleWaitlistArgs = {
  scheduleId: Scalars['ID']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QuerySchedulesArgs = {
  departmentId: Scalars['ID']['input'];
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryStatisticsArgs = {
  departmentId?: InputMaybe<Scalars['ID']['input']>;
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
};


/** What a client can read: the catalogue for anyone, the rest signed in */
export type QueryUnpaidBillsArgs = {
  patientId: Scalars['ID']['input'];
};

/** A checked-in registration's place in the visit day's queue */
export type QueueState = {
  __typename?: 'QueueState';
  /** Patients waiting in front (0 unless WAITING) */
  ahead: Scalars['Int']['output'];
  /** When the patient was called */
  calledAt: Maybe<Scalars['DateTime']['output']>;
  /** When the patient checked in */
  checkedInAt: Scalars['DateTime']['output'];
  /** The hospital's estimate of the call, while WAITING */
  estimatedCallAt: Maybe<Scalars['DateTime']['output']>;
  /** 1 for the next to be called, 2 for the one after…; null unless WAITING */
  position: Maybe<Scalars['Int']['output']>;
  /** Where to go once called */
  room: Maybe<Scalars['String']['output']>;
  /** Waiting, called, missed or seen */
  status: QueueStatus;
};

/** Where a checked-in patient is in the visit day's queue */
export type QueueStatus =
  /** Called to the consulting room (see room) */
  | 'CALLED'
  /** Seen by the doctor */
  | 'DONE'
  /** Called and did not come, or marked absent; ask at the triage desk */
  | 'MISSED'
  /** Checked in, waiting to be called */
  | 'WAITING';

/** A failure with code RATE_LIMITED */
export type RateLimitedError = UserError & {
  __typename?: 'RateLimitedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** One day's reconciliation of the bank's trade bill against our orders */
export type Reconciliation = {
  __typename?: 'Reconciliation';
  /** The findings still true, as one list */
  anomalies: Array<ReconciliationAnomaly>;
  /** Payments in the bank's bill, in fen */
  bankPaid: Scalars['Int']['output'];
  /** Refunds in the bank's bill, in fen */
  bankRefunded: Scalars['Int']['output'];
  /** The bank's net for the day (paid - refunded) */
  bankTotal: Scalars['Int']['output'];
  /** The day reconciled (hospital zone) */
  date: Scalars['Date']['output'];
  /** Every finding of the day, current ones first, resolved ones included */
  findings: Array<ReconciliationFinding>;
  /** Our payments of the day, in fen */
  hospitalPaid: Scalars['Int']['output'];
  /** Our refunds settled that day, in fen */
  hospitalRefunded: Scalars['Int']['output'];
  /** Our net for the day (paid - refunded) */
  hospitalTotal: Scalars['Int']['output'];
  /** Bill lines (payments and refunds) that matched */
  matched: Scalars['Int']['output'];
  /** The day's batch, if any */
  refundBatch: Maybe<RefundBatch>;
  /** BALANCED, ANOMALIES (an open finding), or RESOLVED (all findings resolved) */
  status: Scalars['String']['output'];
};

/** A difference between the bank's bill and our orders */
export type ReconciliationAnomaly = {
  __typename?: 'ReconciliationAnomaly';
  /** Amount in fen */
  amount: Scalars['Int']['output'];
  /** The bank's transaction */
  bankTransactionId: Maybe<Scalars['String']['output']>;
  /** One of LONG_PAYMENT, SHORT_PAYMENT, UNKNOWN_PAYMENT, AMOUNT_MISMATCH, UNKNOWN_REFUND, REFUND_AMOUNT_MISMATCH, REFUND_NOT_IN_BILL, REFUND_FAILED, BILL_TOTALS_MISMATCH, TOTALS_DIFFER, FUND_FLOW_MISMATCH, FUND_FLOW_UNAVAILABLE */
  kind: Scalars['String']['output'];
  /** Our order, if known */
  orderId: Maybe<Scalars['ID']['output']>;
  /** BATCH_REFUND (refunded with the day's batch), CHECK (a person checks) or MANUAL_REFUND (the bank refused the refund: a person pays back another way) */
  resolution: Scalars['String']['output'];
};

/** One fact a reconciliation found; kept, with a person's note */
export type ReconciliationFinding = {
  __typename?: 'ReconciliationFinding';
  /** BATCH_REFUND, CHECK or MANUAL_REFUND */
  action: Scalars['String']['output'];
  /** Amount in fen */
  amount: Scalars['Int']['output'];
  /** The bank's transaction */
  bankTransactionId: Maybe<Scalars['String']['output']>;
  /** False once a re-run no longer finds it (kept, not deleted) */
  current: Scalars['Boolean']['output'];
  /** Stable across re-runs of the day */
  id: Scalars['ID']['output'];
  /** One of LONG_PAYMENT, SHORT_PAYMENT, UNKNOWN_PAYMENT, AMOUNT_MISMATCH, UNKNOWN_REFUND, REFUND_AMOUNT_MISMATCH, REFUND_NOT_IN_BILL, REFUND_FAILED, BILL_TOTALS_MISMATCH, TOTALS_DIFFER, FUND_FLOW_MISMATCH, FUND_FLOW_UNAVAILABLE */
  kind: Scalars['String']['output'];
  /** The person's note on resolving it */
  note: Maybe<Scalars['String']['output']>;
  /** Our order, if known */
  orderId: Maybe<Scalars['ID']['output']>;
  /** The refund's merchant number */
  outRefundNo: Maybe<Scalars['String']['output']>;
  /** The payment's merchant number */
  outTradeNo: Maybe<Scalars['String']['output']>;
  /** When it was resolved */
  resolvedAt: Maybe<Scalars['DateTime']['output']>;
  /** Who resolved it */
  resolvedBy: Maybe<Scalars['String']['output']>;
  /** OPEN, or RESOLVED by a person */
  status: Scalars['String']['output'];
};

/** Who can read the caller's own records, and who has */
export type RecordAccess = {
  __typename?: 'RecordAccess';
  /** Other users who bound the caller; they read nothing without a grant */
  boundBy: Array<RecordBinder>;
  /** Every grant, newest first */
  grants: Array<RecordGrant>;
  /** The caller as a patient */
  patientId: Scalars['ID']['output'];
  /** The latest reads, newest first */
  reads: Array<RecordReadEntry>;
};

/** Another user who bound the patient (to book or pay for them) */
export type RecordBinder = {
  __typename?: 'RecordBinder';
  /** Their binding of the patient: grant access with this ID */
  bindingId: Scalars['ID']['output'];
  /** When they bound the patient */
  boundAt: Scalars['DateTime']['output'];
  /** The grant in force to them, if any */
  grant: Maybe<RecordGrant>;
  /** How they said they are related */
  relation: Relation;
  /** Their name, masked */
  userName: Scalars['String']['output'];
};

/** The patient's leave for one user to read their records */
export type RecordGrant = {
  __typename?: 'RecordGrant';
  /** The grantee's binding of the patient */
  bindingId: Scalars['ID']['output'];
  /** When the patient gave it */
  createdAt: Scalars['DateTime']['output'];
  /** The last day it is good for */
  endsOn: Scalars['Date']['output'];
  /** Grant ID (for revokeRecordAccess) */
  id: Scalars['ID']['output'];
  /** Whether it opens anything today */
  inForce: Scalars['Boolean']['output'];
  /** When the patient took it back */
  revokedAt: Maybe<Scalars['DateTime']['output']>;
  /** What it opens */
  scopes: Array<RecordScope>;
};

/** One read of the patient's records */
export type RecordReadEntry = {
  __typename?: 'RecordReadEntry';
  /** When */
  at: Scalars['DateTime']['output'];
  /** Why it was allowed */
  basis: AccessBasis;
  /** True when the patient read it themselves */
  byPatient: Scalars['Boolean']['output'];
  /** What was read */
  kind: RecordReadKind;
  /** Who read, masked */
  readerName: Scalars['String']['output'];
  /** The records shown */
  recordIds: Array<Scalars['ID']['output']>;
};

/** What was read: one REPORT, the REPORT_LIST, or the PRESCRIPTION_LIST */
export type RecordReadKind =
  /** The list of the patient's prescriptions */
  | 'PRESCRIPTION_LIST'
  /** One report, opened */
  | 'REPORT'
  /** The list of the patient's reports */
  | 'REPORT_LIST';

/** What a grant opens: REPORTS, PRESCRIPTIONS */
export type RecordScope =
  /** The patient's prescriptions and medication guidance */
  | 'PRESCRIPTIONS'
  /** The patient's lab and exam reports */
  | 'REPORTS';

/** The day's batch refund file (批量退款文件), the finance record */
export type RefundBatch = {
  __typename?: 'RefundBatch';
  /** Total in fen */
  amount: Scalars['Int']['output'];
  /** The file itself: CSV, one line per refund, then the count and total (yuan) */
  file: Scalars['String']['output'];
  /** The batch's ID */
  id: Scalars['ID']['output'];
  /** Refunds in the file */
  lines: Scalars['Int']['output'];
  /** PENDING (a refund not yet at the bank), SENT, or PARTIAL (one refused) */
  status: Scalars['String']['output'];
};

/** Refunds of one mode owed on a day */
export type RefundFigure = {
  __typename?: 'RefundFigure';
  /** Their total in fen */
  amount: Scalars['Int']['output'];
  /** Refunds owed that day */
  count: Scalars['Int']['output'];
  /** REVERSAL, REFUND or BATCH */
  mode: Scalars['String']['output'];
};

/** Money going back to the patient */
export type RefundInfo = {
  __typename?: 'RefundInfo';
  /** Amount in fen */
  amount: Scalars['Int']['output'];
  /** When the money should be back at the latest */
  expectedBy: Scalars['DateTime']['output'];
  /** REVERSAL or REFUND at once; BATCH within 7 days */
  mode: RefundMode;
  /** PENDING, PROCESSING, SUCCEEDED or FAILED */
  status: RefundStatus;
};

/** REVERSAL: same-day reversal, at once; REFUND: refund call, at once; BATCH: next-day reconciliation batch, within 7 days */
export type RefundMode =
  /** The next-day reconciliation batch: the money is back within 7 days */
  | 'BATCH'
  /** A refund call to the bank: the money is back at once */
  | 'REFUND'
  /** Same-day reversal: the money is back at once */
  | 'REVERSAL';

/** Where the money going back to the patient is */
export type RefundStatus =
  /** The bank could not refund; the hospital's staff follow it up */
  | 'FAILED'
  /** Decided; not yet sent to the bank */
  | 'PENDING'
  /** Sent to the bank; the money is on its way */
  | 'PROCESSING'
  /** The money is back with the patient */
  | 'SUCCEEDED';

/** How the patient is related to the user who binds them */
export type Relation =
  /** The user's child; a minor child's records are open to the user */
  | 'CHILD'
  /** Anyone else the user books for */
  | 'OTHER'
  /** The user's parent */
  | 'PARENT'
  /** The verified user themselves (bound at verification) */
  | 'SELF'
  /** The user's spouse */
  | 'SPOUSE';

/** A lab (检验) or exam (检查) report */
export type Report = {
  __typename?: 'Report';
  /** The doctor's conclusion */
  conclusion: Maybe<Scalars['String']['output']>;
  /** Report ID */
  id: Scalars['ID']['output'];
  /** When it was issued */
  issuedAt: Scalars['DateTime']['output'];
  /** The results */
  items: Array<ReportItem>;
  /** LAB or EXAM */
  kind: ReportKind;
  /** PENDING or FINAL */
  status: ReportStatus;
  /** Title */
  title: Scalars['String']['output'];
};

/** A page of reports, newest first */
export type ReportConnection = {
  __typename?: 'ReportConnection';
  /** The reports of this page */
  edges: Array<ReportEdge>;
  /** Whether more follow, and from where */
  pageInfo: PageInfo;
};

/** One report in a page, with its cursor */
export type ReportEdge = {
  __typename?: 'ReportEdge';
  /** This item's cursor */
  cursor: Scalars['String']['output'];
  /** The report */
  node: Report;
};

/** One result of a lab or exam report */
export type ReportItem = {
  __typename?: 'ReportItem';
  /** NORMAL, HIGH, LOW or ABNORMAL */
  flag: ResultFlag;
  /** What was measured */
  name: Scalars['String']['output'];
  /** Normal range */
  referenceRange: Maybe<Scalars['String']['output']>;
  /** Unit */
  unit: Maybe<Scalars['String']['output']>;
  /** The result */
  value: Scalars['String']['output'];
};

/** Which department issued a report */
export type ReportKind =
  /** An examination (检查): imaging */
  | 'EXAM'
  /** A laboratory test (检验): values per item */
  | 'LAB';

/** Whether a report is finished */
export type ReportStatus =
  /** Signed off; results and conclusion are final */
  | 'FINAL'
  /** Sampled or examined; results not out yet */
  | 'PENDING';

/** Resolved, or why not */
export type ResolveReconciliationFindingResult = ForbiddenError | InvalidInputError | NotFoundError | ResolveReconciliationFindingSuccess;

/** The finding is resolved */
export type ResolveReconciliationFindingSuccess = {
  __typename?: 'ResolveReconciliationFindingSuccess';
  /** The finding, resolved */
  finding: ReconciliationFinding;
};

/** Restricted, or why not */
export type RestrictUserResult = ForbiddenError | InvalidInputError | NotFoundError | RestrictUserSuccess;

/** The user is restricted */
export type RestrictUserSuccess = {
  __typename?: 'RestrictUserSuccess';
  /** Until when */
  restrictedUntil: Scalars['DateTime']['output'];
  /** The restricted user */
  userId: Scalars['ID']['output'];
};

/** Who a department may see: by sex and by age on the visit day */
export type Restriction = {
  __typename?: 'Restriction';
  /** Oldest age (full years) on the visit day */
  maxAge: Maybe<Scalars['Int']['output']>;
  /** Youngest age (full years) on the visit day */
  minAge: Maybe<Scalars['Int']['output']>;
  /** Only this sex may book; null for anyone */
  sex: Maybe<Sex>;
};

/** How a result compares with its reference range */
export type ResultFlag =
  /** Outside the normal finding, for a result without a numeric range */
  | 'ABNORMAL'
  /** Above the reference range (↑) */
  | 'HIGH'
  /** Below the reference range (↓) */
  | 'LOW'
  /** Within the reference range */
  | 'NORMAL';

/** Revoked, or why not */
export type RevokeRecordAccessResult = InvalidInputError | NotFoundError | NotVerifiedError | RevokeRecordAccessSuccess;

/** Access revoked */
export type RevokeRecordAccessSuccess = {
  __typename?: 'RevokeRecordAccessSuccess';
  /** The grant, now revoked */
  grant: RecordGrant;
};

/** Reconciled, or why not */
export type RunReconciliationResult = ForbiddenError | InvalidInputError | RunReconciliationSuccess | UpstreamUnavailableError;

/** Reconciliation ran */
export type RunReconciliationSuccess = {
  __typename?: 'RunReconciliationSuccess';
  /** The day's result */
  reconciliation: Reconciliation;
};

/** An expert's half-day of work, split into slots */
export type Schedule = {
  __typename?: 'Schedule';
  /** Places in all */
  capacity: Scalars['Int']['output'];
  /** The visit day */
  date: Scalars['Date']['output'];
  /** The department of this schedule */
  department: Maybe<Department>;
  /** Can this patient book here, and if not, why. Without a patient: the answer for anyone (open and not full). */
  eligibility: Eligibility;
  /** Who works this schedule */
  expert: Maybe<Expert>;
  /** What the patient pays to book, in fen */
  fee: Scalars['Int']['output'];
  /** Opaque schedule ID */
  id: Scalars['ID']['output'];
  /** Morning, afternoon or evening */
  period: Period;
  /** Places still free (a few seconds fresh) */
  remaining: Scalars['Int']['output'];
  /** The time slots */
  slots: Array<Slot>;
  /** OPEN, FULL, SUSPENDED or CLOSED */
  status: ScheduleStatus;
};


/** An expert's half-day of work, split into slots */
export type ScheduleEligibilityArgs = {
  patientId?: InputMaybe<Scalars['ID']['input']>;
};

/** A failure with code SCHEDULE_NOT_OPEN */
export type ScheduleNotOpenError = UserError & {
  __typename?: 'ScheduleNotOpenError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Whether a schedule can be booked now */
export type ScheduleStatus =
  /** Booking has ended for this schedule (or the session is over) */
  | 'CLOSED'
  /** Every place is taken; one may free up when an order expires or is cancelled */
  | 'FULL'
  /** Places are free and booking is open */
  | 'OPEN'
  /** The expert stopped work (停诊); booked orders were cancelled and refunded */
  | 'SUSPENDED';

/** A patient's sex, as the hospital records it (some departments take only one) */
export type Sex =
  /** Female */
  | 'FEMALE'
  /** Male */
  | 'MALE';

/** Signed in, or why not */
export type SignInResult = InvalidInputError | RateLimitedError | SignInSuccess | UpstreamUnavailableError;

/** Signed in: keep the token and send it as Authorization: Bearer */
export type SignInSuccess = {
  __typename?: 'SignInSuccess';
  /** When the token stops working */
  expiresAt: Scalars['DateTime']['output'];
  /** Who signed in */
  me: Me;
  /** Session token (JWT) */
  token: Scalars['String']['output'];
};

/** A bookable time within a schedule */
export type Slot = {
  __typename?: 'Slot';
  /** Places in this slot */
  capacity: Scalars['Int']['output'];
  /** End of the time slot */
  endsAt: Scalars['DateTime']['output'];
  /** Opaque slot ID; book with it */
  id: Scalars['ID']['output'];
  /** Places still free (a few seconds fresh) */
  remaining: Scalars['Int']['output'];
  /** Start of the time slot */
  startsAt: Scalars['DateTime']['output'];
};

/** A failure with code SLOT_FULL */
export type SlotFullError = UserError & {
  __typename?: 'SlotFullError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** The patient channel's figures over a range of days */
export type Statistics = {
  __typename?: 'Statistics';
  /** One entry per day, oldest first */
  days: Array<DayStatistics>;
  /** The department counted, or null for the whole hospital */
  departmentId: Maybe<Scalars['ID']['output']>;
  /** First day */
  from: Scalars['Date']['output'];
  /** Last day (included) */
  to: Scalars['Date']['output'];
};

/** What a client can watch over WebSocket (graphql-transport-ws; token in connection_init) */
export type Subscription = {
  __typename?: 'Subscription';
  /** The caller's unread notices (the latest, when it starts), then each new one as it happens */
  notices: Notice;
  /** One of the caller's orders: as it is when it starts, then each time it changes */
  orderUpdated: Order;
  /** One of the caller's registrations in the visit day's queue: its place when it starts (null before check-in), then each time it changes */
  queueUpdates: Maybe<QueueState>;
  /** A schedule's status and remaining places: as they are when it starts, then each time they change */
  scheduleUpdated: Schedule;
};


/** What a client can watch over WebSocket (graphql-transport-ws; token in connection_init) */
export type SubscriptionOrderUpdatedArgs = {
  orderId: Scalars['ID']['input'];
};


/** What a client can watch over WebSocket (graphql-transport-ws; token in connection_init) */
export type SubscriptionQueueUpdatesArgs = {
  orderId: Scalars['ID']['input'];
};


/** What a client can watch over WebSocket (graphql-transport-ws; token in connection_init) */
export type SubscriptionScheduleUpdatedArgs = {
  scheduleId: Scalars['ID']['input'];
};

/** Suspended, or why not */
export type SuspendScheduleResult = ForbiddenError | InvalidInputError | NotFoundError | SuspendScheduleSuccess | UpstreamUnavailableError;

/** The schedule is suspended; its orders are being cancelled and refunded */
export type SuspendScheduleSuccess = {
  __typename?: 'SuspendScheduleSuccess';
  /** Orders being cancelled and refunded */
  affectedOrders: Scalars['Int']['output'];
  /** The schedule, now SUSPENDED */
  schedule: Schedule;
};

/** The electronic ticket (电子号条) of a confirmed registration */
export type Ticket = {
  __typename?: 'Ticket';
  /** Where to go */
  location: Maybe<Scalars['String']['output']>;
  /** Sequence number for the session */
  number: Scalars['Int']['output'];
  /** When to arrive, to wait least */
  suggestedArrival: Maybe<Scalars['DateTime']['output']>;
};

/** A failure with code TOO_FAR_FROM_HOSPITAL */
export type TooFarFromHospitalError = UserError & {
  __typename?: 'TooFarFromHospitalError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code TRY_AGAIN: too many bookings at once; nothing was taken, send the same request again in a moment */
export type TryAgainError = UserError & {
  __typename?: 'TryAgainError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Unbound, or why not */
export type UnbindPatientResult = InvalidInputError | NotFoundError | NotVerifiedError | UnbindPatientSuccess;

/** Patient unbound; their order history is kept */
export type UnbindPatientSuccess = {
  __typename?: 'UnbindPatientSuccess';
  /** The unbound patient */
  patientId: Scalars['ID']['output'];
};

/** A failure with code UPSTREAM_UNAVAILABLE */
export type UpstreamUnavailableError = UserError & {
  __typename?: 'UpstreamUnavailableError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** An expected failure: `code` for programs, `message` for people */
export type UserError = {
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** A failure with code USER_RESTRICTED */
export type UserRestrictedError = UserError & {
  __typename?: 'UserRestrictedError';
  /** Stable code; switch on this */
  code: ErrorCode;
  /** Explanation for the patient (Chinese, or English with Accept-Language: en) */
  message: Scalars['String']['output'];
};

/** Who the user says they are */
export type VerifyIdentityInput = {
  /** 18-character resident ID number */
  idNumber: Scalars['String']['input'];
  /** Full name as on the ID card */
  name: Scalars['String']['input'];
  /** Mobile phone number, 11 digits */
  phone: Scalars['String']['input'];
};

/** Verified, or why not */
export type VerifyIdentityResult = IdentityMismatchError | InvalidIdNumberError | InvalidInputError | InvalidStateError | NotFoundError | NotVerifiedError | RateLimitedError | UpstreamUnavailableError | VerifyIdentitySuccess;

/** Identity verified */
export type VerifyIdentitySuccess = {
  __typename?: 'VerifyIdentitySuccess';
  /** The verified user, with their patients */
  me: Me;
};

/** A patient's place on a waitlist: one schedule, or an expert's days */
export type Waitlist = {
  __typename?: 'Waitlist';
  /** First day waited for */
  dateFrom: Scalars['Date']['output'];
  /** Last day waited for, inclusive */
  dateTo: Scalars['Date']['output'];
  /** The schedule's expert */
  expertId: Maybe<Scalars['ID']['output']>;
  /** The entry's ID (leaveWaitlist) */
  id: Scalars['ID']['output'];
  /** When the patient joined (first come, first served) */
  joinedAt: Scalars['DateTime']['output'];
  /** The place held for the patient now, if any */
  offer: Maybe<WaitlistOffer>;
  /** Who waits */
  patientId: Scalars['ID']['output'];
  /** Their name as bound */
  patientName: Scalars['String']['output'];
  /** 1 for the first in line, among those still waiting or offered */
  position: Scalars['Int']['output'];
  /** The schedule waited for; null when waiting for an expert over days */
  scheduleId: Maybe<Scalars['ID']['output']>;
  /** Where the entry stands */
  status: WaitlistStatus;
};

/** A place that came back, held for one waiting patient for a while */
export type WaitlistOffer = {
  __typename?: 'WaitlistOffer';
  /** Until when it is held; then it passes to the next in line */
  expiresAt: Scalars['DateTime']['output'];
  /** The offer's ID (acceptWaitlistOffer) */
  id: Scalars['ID']['output'];
  /** When the place was held */
  offeredAt: Scalars['DateTime']['output'];
  /** Its schedule */
  scheduleId: Scalars['ID']['output'];
  /** The time slot held */
  slotId: Scalars['ID']['output'];
  /** Where the offer stands */
  status: WaitlistOfferStatus;
};

/** Where a place held for one waiting patient stands */
export type WaitlistOfferStatus =
  /** Booked: an order awaits payment in the usual window */
  | 'ACCEPTED'
  /** Accepted; the booking is under way */
  | 'ACCEPTING'
  /** Declined; the place went to the next in line */
  | 'DECLINED'
  /** The hospital could not book it (sold at the window, or no longer allowed) */
  | 'FAILED'
  /** Not answered in time; the place went to the next in line */
  | 'LAPSED'
  /** Held for the patient until expiresAt: accept or decline it */
  | 'OPEN';

/** Where a patient's place on a waitlist stands */
export type WaitlistStatus =
  /** The patient accepted an offer; the order is among their orders */
  | 'BOOKED'
  /** The patient declined an offer; the place went to the next */
  | 'DECLINED'
  /** The days waited for are over */
  | 'EXPIRED'
  /** An offer ran out unanswered; the place went to the next */
  | 'LAPSED'
  /** The patient left the waitlist */
  | 'LEFT'
  /** A place is held for the patient now: see offer */
  | 'OFFERED'
  /** In line for a place */
  | 'WAITING';

type Problem_AlreadyBoundError_Fragment = { __typename?: 'AlreadyBoundError', code: ErrorCode, message: string };

type Problem_AlreadyCheckedInError_Fragment = { __typename?: 'AlreadyCheckedInError', code: ErrorCode, message: string };

type Problem_AlreadyWaitingError_Fragment = { __typename?: 'AlreadyWaitingError', code: ErrorCode, message: string };

type Problem_BookingLimitReachedError_Fragment = { __typename?: 'BookingLimitReachedError', code: ErrorCode, message: string };

type Problem_CancelNotAllowedError_Fragment = { __typename?: 'CancelNotAllowedError', code: ErrorCode, message: string };

type Problem_CheckInClosedError_Fragment = { __typename?: 'CheckInClosedError', code: ErrorCode, message: string };

type Problem_CheckInNotOpenError_Fragment = { __typename?: 'CheckInNotOpenError', code: ErrorCode, message: string };

type Problem_DuplicateBookingError_Fragment = { __typename?: 'DuplicateBookingError', code: ErrorCode, message: string };

type Problem_ForbiddenError_Fragment = { __typename?: 'ForbiddenError', code: ErrorCode, message: string };

type Problem_IdentityMismatchError_Fragment = { __typename?: 'IdentityMismatchError', code: ErrorCode, message: string };

type Problem_IneligibleAgeError_Fragment = { __typename?: 'IneligibleAgeError', code: ErrorCode, message: string };

type Problem_IneligibleSexError_Fragment = { __typename?: 'IneligibleSexError', code: ErrorCode, message: string };

type Problem_InvalidIdNumberError_Fragment = { __typename?: 'InvalidIdNumberError', code: ErrorCode, message: string };

type Problem_InvalidInputError_Fragment = { __typename?: 'InvalidInputError', code: ErrorCode, message: string };

type Problem_InvalidStateError_Fragment = { __typename?: 'InvalidStateError', code: ErrorCode, message: string };

type Problem_NotFoundError_Fragment = { __typename?: 'NotFoundError', code: ErrorCode, message: string };

type Problem_NotVerifiedError_Fragment = { __typename?: 'NotVerifiedError', code: ErrorCode, message: string };

type Problem_OrderClosedError_Fragment = { __typename?: 'OrderClosedError', code: ErrorCode, message: string };

type Problem_OrderExpiredError_Fragment = { __typename?: 'OrderExpiredError', code: ErrorCode, message: string };

type Problem_PatientLimitReachedError_Fragment = { __typename?: 'PatientLimitReachedError', code: ErrorCode, message: string };

type Problem_PayAtHospitalError_Fragment = { __typename?: 'PayAtHospitalError', code: ErrorCode, message: string };

type Problem_PlacesAvailableError_Fragment = { __typename?: 'PlacesAvailableError', code: ErrorCode, message: string };

type Problem_RateLimitedError_Fragment = { __typename?: 'RateLimitedError', code: ErrorCode, message: string };

type Problem_ScheduleNotOpenError_Fragment = { __typename?: 'ScheduleNotOpenError', code: ErrorCode, message: string };

type Problem_SlotFullError_Fragment = { __typename?: 'SlotFullError', code: ErrorCode, message: string };

type Problem_TooFarFromHospitalError_Fragment = { __typename?: 'TooFarFromHospitalError', code: ErrorCode, message: string };

type Problem_TryAgainError_Fragment = { __typename?: 'TryAgainError', code: ErrorCode, message: string };

type Problem_UpstreamUnavailableError_Fragment = { __typename?: 'UpstreamUnavailableError', code: ErrorCode, message: string };

type Problem_UserRestrictedError_Fragment = { __typename?: 'UserRestrictedError', code: ErrorCode, message: string };

export type ProblemFragment =
  | Problem_AlreadyBoundError_Fragment
  | Problem_AlreadyCheckedInError_Fragment
  | Problem_AlreadyWaitingError_Fragment
  | Problem_BookingLimitReachedError_Fragment
  | Problem_CancelNotAllowedError_Fragment
  | Problem_CheckInClosedError_Fragment
  | Problem_CheckInNotOpenError_Fragment
  | Problem_DuplicateBookingError_Fragment
  | Problem_ForbiddenError_Fragment
  | Problem_IdentityMismatchError_Fragment
  | Problem_IneligibleAgeError_Fragment
  | Problem_IneligibleSexError_Fragment
  | Problem_InvalidIdNumberError_Fragment
  | Problem_InvalidInputError_Fragment
  | Problem_InvalidStateError_Fragment
  | Problem_NotFoundError_Fragment
  | Problem_NotVerifiedError_Fragment
  | Problem_OrderClosedError_Fragment
  | Problem_OrderExpiredError_Fragment
  | Problem_PatientLimitReachedError_Fragment
  | Problem_PayAtHospitalError_Fragment
  | Problem_PlacesAvailableError_Fragment
  | Problem_RateLimitedError_Fragment
  | Problem_ScheduleNotOpenError_Fragment
  | Problem_SlotFullError_Fragment
  | Problem_TooFarFromHospitalError_Fragment
  | Problem_TryAgainError_Fragment
  | Problem_UpstreamUnavailableError_Fragment
  | Problem_UserRestrictedError_Fragment
;

export type SignInMutationVariables = Exact<{
  code: Scalars['String']['input'];
}>;


export type SignInMutation = { __typename?: 'Mutation', signIn:
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
    | { __typename: 'SignInSuccess', token: string, expiresAt: string, me: { __typename?: 'Me', id: string, verified: boolean } }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
   };

export type VerifyIdentityMutationVariables = Exact<{
  input: VerifyIdentityInput;
}>;


export type VerifyIdentityMutation = { __typename?: 'Mutation', verifyIdentity:
    | { __typename: 'IdentityMismatchError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdNumberError', code: ErrorCode, message: string }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'InvalidStateError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'NotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
    | { __typename: 'VerifyIdentitySuccess', me: { __typename?: 'Me', id: string, verified: boolean, maskedName: string | null, patients: Array<{ __typename?: 'Patient', id: string, name: string, relation: Relation }> } }
   };

export type BindPatientMutationVariables = Exact<{
  input: BindPatientInput;
}>;


export type BindPatientMutation = { __typename?: 'Mutation', bindPatient:
    | { __typename: 'AlreadyBoundError', code: ErrorCode, message: string }
    | { __typename: 'BindPatientSuccess', patient: { __typename?: 'Patient', id: string, name: string, maskedIdNumber: string, sex: Sex, birthDate: string, relation: Relation, insurance: Insurance, cardNumber: string } }
    | { __typename: 'IdentityMismatchError', code: ErrorCode, message: string }
    | { __typename: 'InvalidIdNumberError', code: ErrorCode, message: string }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'NotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'PatientLimitReachedError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', code: ErrorCode, message: string }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
   };

export type UnbindPatientMutationVariables = Exact<{
  patientId: Scalars['ID']['input'];
}>;


export type UnbindPatientMutation = { __typename?: 'Mutation', unbindPatient:
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'NotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'UnbindPatientSuccess', patientId: string }
   };

export type PatientFieldsFragment = { __typename?: 'Patient', id: string, name: string, maskedIdNumber: string, sex: Sex, birthDate: string, relation: Relation, insurance: Insurance, cardNumber: string };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'Me', id: string, verified: boolean, maskedName: string | null, restrictedUntil: string | null, patients: Array<{ __typename?: 'Patient', id: string, name: string, maskedIdNumber: string, sex: Sex, birthDate: string, relation: Relation, insurance: Insurance, cardNumber: string }> } | null };

export type DepartmentsQueryVariables = Exact<{ [key: string]: never; }>;


export type DepartmentsQuery = { __typename?: 'Query', departments: Array<{ __typename?: 'Department', id: string, name: string, intro: string, restriction: { __typename?: 'Restriction', sex: Sex | null, minAge: number | null, maxAge: number | null } | null, children: Array<{ __typename?: 'Department', id: string, name: string }> }> };

export type DepartmentExpertsQueryVariables = Exact<{
  departmentId: Scalars['ID']['input'];
}>;


export type DepartmentExpertsQuery = { __typename?: 'Query', department: { __typename?: 'Department', id: string, name: string, experts: Array<{ __typename?: 'Expert', id: string, name: string, title: string, specialty: string, photoUrl: string | null }> } | null };

export type ExpertDetailQueryVariables = Exact<{
  expertId: Scalars['ID']['input'];
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
}>;


export type ExpertDetailQuery = { __typename?: 'Query', expert: { __typename?: 'Expert', id: string, name: string, title: string, specialty: string, intro: string, department: { __typename?: 'Department', id: string, name: string } | null, schedules: Array<{ __typename?: 'Schedule', id: string, date: string, period: Period, status: ScheduleStatus, fee: number, capacity: number, remaining: number, slots: Array<{ __typename?: 'Slot', id: string, startsAt: string, endsAt: string, remaining: number }> }> } | null };

export type DepartmentSchedulesQueryVariables = Exact<{
  departmentId: Scalars['ID']['input'];
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
  patientId: InputMaybe<Scalars['ID']['input']>;
}>;


export type DepartmentSchedulesQuery = { __typename?: 'Query', schedules: Array<{ __typename?: 'Schedule', id: string, date: string, period: Period, status: ScheduleStatus, fee: number, capacity: number, remaining: number, expert: { __typename?: 'Expert', id: string, name: string, title: string } | null, eligibility: { __typename?: 'Eligibility', eligible: boolean, code: ErrorCode | null, reason: string | null }, slots: Array<{ __typename?: 'Slot', id: string, startsAt: string, endsAt: string, remaining: number }> }> };

export type ScheduleFieldsFragment = { __typename?: 'Schedule', id: string, date: string, period: Period, status: ScheduleStatus, fee: number, capacity: number, remaining: number, slots: Array<{ __typename?: 'Slot', id: string, startsAt: string, endsAt: string, remaining: number }> };

export type BookAppointmentMutationVariables = Exact<{
  input: BookAppointmentInput;
}>;


export type BookAppointmentMutation = { __typename?: 'Mutation', bookAppointment:
    | { __typename: 'BookAppointmentSuccess', order: { __typename?: 'Order', id: string, kind: OrderKind, status: OrderStatus, amount: number, createdAt: string, expiresAt: string, paidAt: string | null, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }>, patient: { __typename?: 'PatientRef', id: string, name: string }, appointment: { __typename?: 'Appointment', date: string, period: Period, startsAt: string, endsAt: string, department: { __typename?: 'DepartmentRef', id: string, name: string }, expert: { __typename?: 'ExpertRef', id: string, name: string, title: string } } | null, ticket: { __typename?: 'Ticket', number: number, suggestedArrival: string | null, location: string | null } | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode, expectedBy: string } | null } }
    | { __typename: 'BookingLimitReachedError', code: ErrorCode, message: string }
    | { __typename: 'DuplicateBookingError', code: ErrorCode, message: string }
    | { __typename: 'IneligibleAgeError', code: ErrorCode, message: string }
    | { __typename: 'IneligibleSexError', code: ErrorCode, message: string }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'InvalidStateError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'NotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'ScheduleNotOpenError', code: ErrorCode, message: string }
    | { __typename: 'SlotFullError', code: ErrorCode, message: string }
    | { __typename: 'TryAgainError', code: ErrorCode, message: string }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
    | { __typename: 'UserRestrictedError', code: ErrorCode, message: string }
   };

export type PayOrderMutationVariables = Exact<{
  orderId: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type PayOrderMutation = { __typename?: 'Mutation', payOrder:
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'InvalidStateError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'NotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'OrderClosedError', code: ErrorCode, message: string }
    | { __typename: 'OrderExpiredError', code: ErrorCode, message: string }
    | { __typename: 'PayOrderSuccess', payment: { __typename?: 'Payment', id: string, amount: number, status: PaymentStatus, payUrl: string, expiresAt: string } }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
    | { __typename: 'UserRestrictedError', code: ErrorCode, message: string }
   };

export type CancelAppointmentMutationVariables = Exact<{
  orderId: Scalars['ID']['input'];
  reason: InputMaybe<Scalars['String']['input']>;
}>;


export type CancelAppointmentMutation = { __typename?: 'Mutation', cancelAppointment:
    | { __typename: 'CancelAppointmentSuccess', order: { __typename?: 'Order', id: string, kind: OrderKind, status: OrderStatus, amount: number, createdAt: string, expiresAt: string, paidAt: string | null, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }>, patient: { __typename?: 'PatientRef', id: string, name: string }, appointment: { __typename?: 'Appointment', date: string, period: Period, startsAt: string, endsAt: string, department: { __typename?: 'DepartmentRef', id: string, name: string }, expert: { __typename?: 'ExpertRef', id: string, name: string, title: string } } | null, ticket: { __typename?: 'Ticket', number: number, suggestedArrival: string | null, location: string | null } | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode, expectedBy: string } | null } }
    | { __typename: 'CancelNotAllowedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'InvalidStateError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
   };

export type OrderFieldsFragment = { __typename?: 'Order', id: string, kind: OrderKind, status: OrderStatus, amount: number, createdAt: string, expiresAt: string, paidAt: string | null, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }>, patient: { __typename?: 'PatientRef', id: string, name: string }, appointment: { __typename?: 'Appointment', date: string, period: Period, startsAt: string, endsAt: string, department: { __typename?: 'DepartmentRef', id: string, name: string }, expert: { __typename?: 'ExpertRef', id: string, name: string, title: string } } | null, ticket: { __typename?: 'Ticket', number: number, suggestedArrival: string | null, location: string | null } | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode, expectedBy: string } | null };

export type OrderQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrderQuery = { __typename?: 'Query', order: { __typename?: 'Order', id: string, kind: OrderKind, status: OrderStatus, amount: number, createdAt: string, expiresAt: string, paidAt: string | null, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }>, patient: { __typename?: 'PatientRef', id: string, name: string }, appointment: { __typename?: 'Appointment', date: string, period: Period, startsAt: string, endsAt: string, department: { __typename?: 'DepartmentRef', id: string, name: string }, expert: { __typename?: 'ExpertRef', id: string, name: string, title: string } } | null, ticket: { __typename?: 'Ticket', number: number, suggestedArrival: string | null, location: string | null } | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode, expectedBy: string } | null } | null };

export type OrdersQueryVariables = Exact<{
  patientId: InputMaybe<Scalars['ID']['input']>;
  status: InputMaybe<Array<OrderStatus> | OrderStatus>;
  first: InputMaybe<Scalars['Int']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
}>;


export type OrdersQuery = { __typename?: 'Query', orders: { __typename?: 'OrderConnection', edges: Array<{ __typename?: 'OrderEdge', cursor: string, node: { __typename?: 'Order', id: string, kind: OrderKind, status: OrderStatus, amount: number, createdAt: string, expiresAt: string, paidAt: string | null, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }>, patient: { __typename?: 'PatientRef', id: string, name: string }, appointment: { __typename?: 'Appointment', date: string, period: Period, startsAt: string, endsAt: string, department: { __typename?: 'DepartmentRef', id: string, name: string }, expert: { __typename?: 'ExpertRef', id: string, name: string, title: string } } | null, ticket: { __typename?: 'Ticket', number: number, suggestedArrival: string | null, location: string | null } | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode, expectedBy: string } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type UnpaidBillsQueryVariables = Exact<{
  patientId: Scalars['ID']['input'];
}>;


export type UnpaidBillsQuery = { __typename?: 'Query', unpaidBills: Array<{ __typename?: 'Bill', id: string, title: string, amount: number, issuedAt: string, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }> }> };

export type PayBillsMutationVariables = Exact<{
  input: PayBillsInput;
}>;


export type PayBillsMutation = { __typename?: 'Mutation', payBills:
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'InvalidStateError', code: ErrorCode, message: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'NotVerifiedError', code: ErrorCode, message: string }
    | { __typename: 'PayAtHospitalError', code: ErrorCode, message: string }
    | { __typename: 'PayBillsSuccess', order: { __typename?: 'Order', id: string, kind: OrderKind, status: OrderStatus, amount: number, createdAt: string, expiresAt: string, paidAt: string | null, items: Array<{ __typename?: 'OrderItem', code: string, name: string, amount: number }>, patient: { __typename?: 'PatientRef', id: string, name: string }, appointment: { __typename?: 'Appointment', date: string, period: Period, startsAt: string, endsAt: string, department: { __typename?: 'DepartmentRef', id: string, name: string }, expert: { __typename?: 'ExpertRef', id: string, name: string, title: string } } | null, ticket: { __typename?: 'Ticket', number: number, suggestedArrival: string | null, location: string | null } | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode, expectedBy: string } | null } }
    | { __typename: 'UpstreamUnavailableError', code: ErrorCode, message: string }
    | { __typename: 'UserRestrictedError', code: ErrorCode, message: string }
   };

export type ReportsQueryVariables = Exact<{
  patientId: Scalars['ID']['input'];
  first: InputMaybe<Scalars['Int']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
}>;


export type ReportsQuery = { __typename?: 'Query', reports: { __typename?: 'ReportConnection', edges: Array<{ __typename?: 'ReportEdge', node: { __typename?: 'Report', id: string, kind: ReportKind, title: string, status: ReportStatus, issuedAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type ReportQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ReportQuery = { __typename?: 'Query', report: { __typename?: 'Report', id: string, kind: ReportKind, title: string, status: ReportStatus, issuedAt: string, conclusion: string | null, items: Array<{ __typename?: 'ReportItem', name: string, value: string, unit: string | null, referenceRange: string | null, flag: ResultFlag }> } | null };

export type PrescriptionsQueryVariables = Exact<{
  patientId: Scalars['ID']['input'];
}>;


export type PrescriptionsQuery = { __typename?: 'Query', prescriptions: Array<{ __typename?: 'Prescription', id: string, issuedAt: string, doctorName: string, diagnosis: string, items: Array<{ __typename?: 'PrescriptionItem', drugName: string, dose: string, frequency: string, route: string, days: number, guidance: string | null }> }> };

export type NoticesQueryVariables = Exact<{
  first: InputMaybe<Scalars['Int']['input']>;
  after: InputMaybe<Scalars['String']['input']>;
}>;


export type NoticesQuery = { __typename?: 'Query', notices: { __typename?: 'NoticeConnection', unreadCount: number, edges: Array<{ __typename?: 'NoticeEdge', node: { __typename?: 'Notice', id: string, kind: NoticeKind, title: string, body: string, createdAt: string, read: boolean, patientId: string | null, orderId: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type MarkNoticesReadMutationVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type MarkNoticesReadMutation = { __typename?: 'Mutation', markNoticesRead:
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string }
    | { __typename: 'MarkNoticesReadSuccess', unreadCount: number }
   };

export type NoticeFieldsFragment = { __typename?: 'Notice', id: string, kind: NoticeKind, title: string, body: string, createdAt: string, read: boolean, patientId: string | null, orderId: string | null };

export type NoticeStreamSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type NoticeStreamSubscription = { __typename?: 'Subscription', notices: { __typename?: 'Notice', id: string, kind: NoticeKind, title: string, body: string, createdAt: string, read: boolean, patientId: string | null, orderId: string | null } };

export type OrderUpdatesSubscriptionVariables = Exact<{
  orderId: Scalars['ID']['input'];
}>;


export type OrderUpdatesSubscription = { __typename?: 'Subscription', orderUpdated: { __typename?: 'Order', id: string, status: OrderStatus, paidAt: string | null, refund: { __typename?: 'RefundInfo', status: RefundStatus, amount: number, mode: RefundMode } | null } };

export type ScheduleAvailabilitySubscriptionVariables = Exact<{
  scheduleId: Scalars['ID']['input'];
}>;


export type ScheduleAvailabilitySubscription = { __typename?: 'Subscription', scheduleUpdated: { __typename?: 'Schedule', id: string, status: ScheduleStatus, remaining: number } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ProblemFragmentDoc = new TypedDocumentString(`
    fragment Problem on UserError {
  code
  message
}
    `, {"fragmentName":"Problem"}) as unknown as TypedDocumentString<ProblemFragment, unknown>;
export const PatientFieldsFragmentDoc = new TypedDocumentString(`
    fragment PatientFields on Patient {
  id
  name
  maskedIdNumber
  sex
  birthDate
  relation
  insurance
  cardNumber
}
    `, {"fragmentName":"PatientFields"}) as unknown as TypedDocumentString<PatientFieldsFragment, unknown>;
export const ScheduleFieldsFragmentDoc = new TypedDocumentString(`
    fragment ScheduleFields on Schedule {
  id
  date
  period
  status
  fee
  capacity
  remaining
  slots {
    id
    startsAt
    endsAt
    remaining
  }
}
    `, {"fragmentName":"ScheduleFields"}) as unknown as TypedDocumentString<ScheduleFieldsFragment, unknown>;
export const OrderFieldsFragmentDoc = new TypedDocumentString(`
    fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}
    `, {"fragmentName":"OrderFields"}) as unknown as TypedDocumentString<OrderFieldsFragment, unknown>;
export const NoticeFieldsFragmentDoc = new TypedDocumentString(`
    fragment NoticeFields on Notice {
  id
  kind
  title
  body
  createdAt
  read
  patientId
  orderId
}
    `, {"fragmentName":"NoticeFields"}) as unknown as TypedDocumentString<NoticeFieldsFragment, unknown>;
export const SignInDocument = new TypedDocumentString(`
    mutation SignIn($code: String!) {
  signIn(platform: WECHAT, code: $code) {
    __typename
    ... on SignInSuccess {
      token
      expiresAt
      me {
        id
        verified
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`) as unknown as TypedDocumentString<SignInMutation, SignInMutationVariables>;
export const VerifyIdentityDocument = new TypedDocumentString(`
    mutation VerifyIdentity($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) {
    __typename
    ... on VerifyIdentitySuccess {
      me {
        id
        verified
        maskedName
        patients {
          id
          name
          relation
        }
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`) as unknown as TypedDocumentString<VerifyIdentityMutation, VerifyIdentityMutationVariables>;
export const BindPatientDocument = new TypedDocumentString(`
    mutation BindPatient($input: BindPatientInput!) {
  bindPatient(input: $input) {
    __typename
    ... on BindPatientSuccess {
      patient {
        ...PatientFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment PatientFields on Patient {
  id
  name
  maskedIdNumber
  sex
  birthDate
  relation
  insurance
  cardNumber
}`) as unknown as TypedDocumentString<BindPatientMutation, BindPatientMutationVariables>;
export const UnbindPatientDocument = new TypedDocumentString(`
    mutation UnbindPatient($patientId: ID!) {
  unbindPatient(patientId: $patientId) {
    __typename
    ... on UnbindPatientSuccess {
      patientId
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`) as unknown as TypedDocumentString<UnbindPatientMutation, UnbindPatientMutationVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    verified
    maskedName
    restrictedUntil
    patients {
      ...PatientFields
    }
  }
}
    fragment PatientFields on Patient {
  id
  name
  maskedIdNumber
  sex
  birthDate
  relation
  insurance
  cardNumber
}`) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const DepartmentsDocument = new TypedDocumentString(`
    query Departments {
  departments {
    id
    name
    intro
    restriction {
      sex
      minAge
      maxAge
    }
    children {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<DepartmentsQuery, DepartmentsQueryVariables>;
export const DepartmentExpertsDocument = new TypedDocumentString(`
    query DepartmentExperts($departmentId: ID!) {
  department(id: $departmentId) {
    id
    name
    experts {
      id
      name
      title
      specialty
      photoUrl
    }
  }
}
    `) as unknown as TypedDocumentString<DepartmentExpertsQuery, DepartmentExpertsQueryVariables>;
export const ExpertDetailDocument = new TypedDocumentString(`
    query ExpertDetail($expertId: ID!, $from: Date!, $to: Date!) {
  expert(id: $expertId) {
    id
    name
    title
    specialty
    intro
    department {
      id
      name
    }
    schedules(from: $from, to: $to) {
      ...ScheduleFields
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  date
  period
  status
  fee
  capacity
  remaining
  slots {
    id
    startsAt
    endsAt
    remaining
  }
}`) as unknown as TypedDocumentString<ExpertDetailQuery, ExpertDetailQueryVariables>;
export const DepartmentSchedulesDocument = new TypedDocumentString(`
    query DepartmentSchedules($departmentId: ID!, $from: Date!, $to: Date!, $patientId: ID) {
  schedules(departmentId: $departmentId, from: $from, to: $to) {
    ...ScheduleFields
    expert {
      id
      name
      title
    }
    eligibility(patientId: $patientId) {
      eligible
      code
      reason
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  date
  period
  status
  fee
  capacity
  remaining
  slots {
    id
    startsAt
    endsAt
    remaining
  }
}`) as unknown as TypedDocumentString<DepartmentSchedulesQuery, DepartmentSchedulesQueryVariables>;
export const BookAppointmentDocument = new TypedDocumentString(`
    mutation BookAppointment($input: BookAppointmentInput!) {
  bookAppointment(input: $input) {
    __typename
    ... on BookAppointmentSuccess {
      order {
        ...OrderFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`) as unknown as TypedDocumentString<BookAppointmentMutation, BookAppointmentMutationVariables>;
export const PayOrderDocument = new TypedDocumentString(`
    mutation PayOrder($orderId: ID!, $idempotencyKey: String!) {
  payOrder(orderId: $orderId, idempotencyKey: $idempotencyKey) {
    __typename
    ... on PayOrderSuccess {
      payment {
        id
        amount
        status
        payUrl
        expiresAt
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`) as unknown as TypedDocumentString<PayOrderMutation, PayOrderMutationVariables>;
export const CancelAppointmentDocument = new TypedDocumentString(`
    mutation CancelAppointment($orderId: ID!, $reason: String) {
  cancelAppointment(orderId: $orderId, reason: $reason) {
    __typename
    ... on CancelAppointmentSuccess {
      order {
        ...OrderFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`) as unknown as TypedDocumentString<CancelAppointmentMutation, CancelAppointmentMutationVariables>;
export const OrderDocument = new TypedDocumentString(`
    query Order($id: ID!) {
  order(id: $id) {
    ...OrderFields
  }
}
    fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`) as unknown as TypedDocumentString<OrderQuery, OrderQueryVariables>;
export const OrdersDocument = new TypedDocumentString(`
    query Orders($patientId: ID, $status: [OrderStatus!], $first: Int, $after: String) {
  orders(patientId: $patientId, status: $status, first: $first, after: $after) {
    edges {
      cursor
      node {
        ...OrderFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`) as unknown as TypedDocumentString<OrdersQuery, OrdersQueryVariables>;
export const UnpaidBillsDocument = new TypedDocumentString(`
    query UnpaidBills($patientId: ID!) {
  unpaidBills(patientId: $patientId) {
    id
    title
    amount
    issuedAt
    items {
      code
      name
      amount
    }
  }
}
    `) as unknown as TypedDocumentString<UnpaidBillsQuery, UnpaidBillsQueryVariables>;
export const PayBillsDocument = new TypedDocumentString(`
    mutation PayBills($input: PayBillsInput!) {
  payBills(input: $input) {
    __typename
    ... on PayBillsSuccess {
      order {
        ...OrderFields
      }
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}
fragment OrderFields on Order {
  id
  kind
  status
  amount
  createdAt
  expiresAt
  paidAt
  items {
    code
    name
    amount
  }
  patient {
    id
    name
  }
  appointment {
    date
    period
    startsAt
    endsAt
    department {
      id
      name
    }
    expert {
      id
      name
      title
    }
  }
  ticket {
    number
    suggestedArrival
    location
  }
  refund {
    status
    amount
    mode
    expectedBy
  }
}`) as unknown as TypedDocumentString<PayBillsMutation, PayBillsMutationVariables>;
export const ReportsDocument = new TypedDocumentString(`
    query Reports($patientId: ID!, $first: Int, $after: String) {
  reports(patientId: $patientId, first: $first, after: $after) {
    edges {
      node {
        id
        kind
        title
        status
        issuedAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ReportsQuery, ReportsQueryVariables>;
export const ReportDocument = new TypedDocumentString(`
    query Report($id: ID!) {
  report(id: $id) {
    id
    kind
    title
    status
    issuedAt
    conclusion
    items {
      name
      value
      unit
      referenceRange
      flag
    }
  }
}
    `) as unknown as TypedDocumentString<ReportQuery, ReportQueryVariables>;
export const PrescriptionsDocument = new TypedDocumentString(`
    query Prescriptions($patientId: ID!) {
  prescriptions(patientId: $patientId) {
    id
    issuedAt
    doctorName
    diagnosis
    items {
      drugName
      dose
      frequency
      route
      days
      guidance
    }
  }
}
    `) as unknown as TypedDocumentString<PrescriptionsQuery, PrescriptionsQueryVariables>;
export const NoticesDocument = new TypedDocumentString(`
    query Notices($first: Int, $after: String) {
  notices(first: $first, after: $after) {
    unreadCount
    edges {
      node {
        ...NoticeFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment NoticeFields on Notice {
  id
  kind
  title
  body
  createdAt
  read
  patientId
  orderId
}`) as unknown as TypedDocumentString<NoticesQuery, NoticesQueryVariables>;
export const MarkNoticesReadDocument = new TypedDocumentString(`
    mutation MarkNoticesRead($ids: [ID!]!) {
  markNoticesRead(ids: $ids) {
    __typename
    ... on MarkNoticesReadSuccess {
      unreadCount
    }
    ...Problem
  }
}
    fragment Problem on UserError {
  code
  message
}`) as unknown as TypedDocumentString<MarkNoticesReadMutation, MarkNoticesReadMutationVariables>;
export const NoticeStreamDocument = new TypedDocumentString(`
    subscription NoticeStream {
  notices {
    ...NoticeFields
  }
}
    fragment NoticeFields on Notice {
  id
  kind
  title
  body
  createdAt
  read
  patientId
  orderId
}`) as unknown as TypedDocumentString<NoticeStreamSubscription, NoticeStreamSubscriptionVariables>;
export const OrderUpdatesDocument = new TypedDocumentString(`
    subscription OrderUpdates($orderId: ID!) {
  orderUpdated(orderId: $orderId) {
    id
    status
    paidAt
    refund {
      status
      amount
      mode
    }
  }
}
    `) as unknown as TypedDocumentString<OrderUpdatesSubscription, OrderUpdatesSubscriptionVariables>;
export const ScheduleAvailabilityDocument = new TypedDocumentString(`
    subscription ScheduleAvailability($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) {
    id
    status
    remaining
  }
}
    `) as unknown as TypedDocumentString<ScheduleAvailabilitySubscription, ScheduleAvailabilitySubscriptionVariables>;