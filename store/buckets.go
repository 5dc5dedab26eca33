package store

// Every bucket and its key layout, in one place. Integers in keys are
// 8-byte big-endian so that keys sort in numeric order.
var (
	// bucketMeta: "schema" → schema version (8 bytes).
	bucketMeta = []byte("meta")
	// bucketSeq: sequence name ("A", "S", "E", "W", "G", "O", "reg:2026" …) → last value (8 bytes).
	// "ver:S" (articlesVersion) counts the writes of information items: the key of the decoded
	// items a read may reuse (articleCache). A database without it is at version 0.
	bucketSeq = []byte("seq")
	// bucketHistory: record id + 0x00 + seq → History (encodeHistory; JSON before schema 9).
	// Every change to a record.
	bucketHistory = []byte("history")
	// bucketDedupe: message key (channel|message id) → JSON dedupeEntry, or once it keeps the
	// replies, the entry packed with its replies compressed (see dedupeDone).
	bucketDedupe = []byte("dedupe")
	// bucketDedupeAt: unix-nanos + message key → empty. Index for the 7-day purge.
	bucketDedupeAt = []byte("dedupe_at")
	// bucketOutbox: outbox seq → JSON outbox.Item. Pushes not yet delivered.
	bucketOutbox = []byte("outbox")
	// bucketOutboxDue: priority (1 byte: Notification.Priority + 128) + due time (unix nanos) +
	// outbox seq → recipient ('m' + member id or 'g' + group name). The outbox by urgency and due
	// time: the loop reads what is due, most urgent first, and when the next push is due without
	// decoding the backlog, and passes over the pushes in flight or behind their recipient's
	// without reading them (Scan).
	bucketOutboxDue = []byte("outbox_due")
	// bucketOutboxTo: recipient (bot.Recipient.String()) + 0x00 + outbox seq → due time (unix nanos,
	// 8 bytes) + 1 byte (1: it waits for a retry, its own or an older push's). The pushes waiting for each recipient: a retry holds them all until it (Retry), and a
	// push queued meanwhile waits too (Enqueue), so a recipient gets its pushes in order.
	bucketOutboxTo = []byte("outbox_to")
	// bucketOutboxKeys: notification idempotency key → outbox seq. A key is queued once, ever.
	bucketOutboxKeys = []byte("outbox_keys")
	// bucketFailed: outbox seq → JSON outbox.Item. Pushes that failed permanently (admins see them).
	bucketFailed = []byte("failed")
	// bucketInbox: recipient + 0x00 + outbox seq → JSON local.Message. Local-channel pushes.
	bucketInbox = []byte("inbox")
	// bucketCounters: name → count (8 bytes). Things counted but not stored (refusals, confidential texts).
	bucketCounters = []byte("counters")
	// bucketKV: name → JSON. Small named state (cached platform tokens, scheduler marks).
	bucketKV = []byte("kv")

	// Domain records: big-endian number of the typed id → JSON record.
	bucketAttendance = []byte("attendance") // A<n> attendance entries
	bucketSubmission = []byte("submission") // S<n> information items
	bucketIncident   = []byte("incident")   // E<n> incidents
	bucketWeekly     = []byte("weekly")     // W<n> weekly department reports
	bucketGoodDeed   = []byte("gooddeed")   // G<n> good-deed reports
	bucketOuting     = []byte("outing")     // O<n> outing notices (篇10)

	// bucketAttendanceForm: class unit id + 0x00 + due time (unix seconds) + entry number →
	// flags (1 byte, 1 = withdrawn) + message time (unix nanos). Index of attendance entries by
	// form (a form's state without decoding its entries), a month of a class, a period.
	// The form's own key (without an entry number) holds its summary (attendance.FormSummary),
	// updated with every entry: see encodeSummary.
	bucketAttendanceForm = []byte("attendance_form")
	// bucketAttendanceStudent: class unit id + 0x00 + student (name[no]) + 0x00 + due time (unix
	// seconds) + entry number → JSON of that student's rows in the entry, without the name the
	// key holds (studentRow; with it before schema 9). Live entries naming a
	// student: the monthly ledger of the students of a new entry without reading the whole class.
	// The student prefix + 'm' + month (2006-01) holds the student's month record
	// (attendance.StudentMonth, JSON), updated with every entry: see putMonths; the prefix + due time +
	// 'p' holds the student's 旷课 and approved leave in that form (attendance.FormPart, JSON): see putPart;
	// the prefix + due time + 'c' the number of the form's entry that answers the student's cause
	// (查明, attendance.Entry.FoundFor; from schema 10): see putCauses.
	bucketAttendanceStudent = []byte("attendance_student")
	// bucketAttendanceBy: submitter member id + 0x00 + entry number → empty. 我的, newest first.
	bucketAttendanceBy = []byte("attendance_by")
	// bucketAttendanceConfirm: month (2026-11) + 0x00 + grade → JSON attendance.Confirmation.
	bucketAttendanceConfirm = []byte("attendance_confirm")
	// bucketAttendanceCause: when asked (unix nanos) + number of A<n>, big-endian → empty. The
	// entries with an abnormal absence whose cause the class teacher has not answered yet (篇3), by
	// when the oldest such follow-up was asked (attendance.Entry.Asked; by number before schema
	// 10): the absence clock reads only those it may report.
	bucketAttendanceCause = []byte("attendance_cause")

	// bucketSubmissionStat: big-endian number of S<n> → empty. The 统计 items not at the office
	// yet (desk.Tx.StatisticsOpen): the statistics jobs of every minute read these, not every item.
	bucketSubmissionStat = []byte("submission_stat")

	// bucketIncidentActive: big-endian number of E<n> → empty. The incidents the incident
	// clock (incident.Clock) still has something to do for (escalation or written-report steps pending).
	bucketIncidentActive = []byte("incident_active")

	// bucketExpiring: key → expiry (unix nanos, 8 bytes) + value. Short-lived state every node
	// decides the same way (expiring.go): the console's login links and sessions by the hash of
	// their token, the DingTalk signs already used.
	bucketExpiring = []byte("expiring")
	// bucketExpiringAt: expiry (unix nanos) + key → empty. The expiring keys by expiry, to prune.
	bucketExpiringAt = []byte("expiring_at")

	// bucketMediaSummary: month (2026-11) + 0x00 + member id → JSON desk.MediaSummary (媒体汇总, 篇6).
	bucketMediaSummary = []byte("media_summary")
)

// allBuckets are created at open.
var allBuckets = [][]byte{
	bucketMeta, bucketSeq, bucketHistory, bucketDedupe, bucketDedupeAt, bucketOutbox, bucketOutboxKeys,
	bucketOutboxDue, bucketOutboxTo,
	bucketFailed, bucketInbox, bucketCounters, bucketKV,
	bucketAttendance, bucketSubmission, bucketIncident, bucketWeekly, bucketGoodDeed, bucketOuting,
	bucketAttendanceForm, bucketAttendanceBy, bucketAttendanceConfirm, bucketAttendanceStudent,
	bucketAttendanceCause,
	bucketIncidentActive,
	bucketSubmissionStat,
	bucketMediaSummary,
	bucketExpiring, bucketExpiringAt,
}

// recordBuckets maps a typed id prefix to the bucket of its records.
var recordBuckets = map[string][]byte{
	"A": bucketAttendance,
	"S": bucketSubmission,
	"E": bucketIncident,
	"W": bucketWeekly,
	"G": bucketGoodDeed,
	"O": bucketOuting,
}
