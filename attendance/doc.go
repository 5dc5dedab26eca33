// Package attendance holds the attendance rules of baosong: the forms
// classes owe (《日常信息报表》, 篇2, 篇3, 篇10), the entries that fill them, the
// monthly discipline ledger and summary, the follow-up of abnormal absences,
// the approval of leave, and the outing notices that tell guardians where
// their children are (篇10 第3条). Rules are pure functions over records; the
// Service runs them inside one transaction of its Store.
//
// It knows nothing of the information desk (package desk), which reads the
// forms' counts (FormLines) through an interface of its own.
//
// # Words
//
// One word, one thing: a Message is one attendance message as the parser
// read it (attendance.Message; the word "submission" belongs to the
// information desk); once accepted it is an Entry (A<n>); a Form is one
// class's window and the entries attributed to it; a Row is one line of a
// form (one student, one type; the parser's parse.Row, which the JSON
// exports list as "items" as SPEC §10.1 has it, while in code an item is
// always an information item of the desk); a Tally is a student's totals over forms
// and Counts what the rows add up to before the thresholds apply; an
// Outing is an outing notice (O<n>). The Service does the work through its
// Store, one Tx per change.
//
// # Attendance forms
//
// A class owes one form per window. Due times are the configured weekdays at
// the configured time ([attendance] due_weekdays, due_time), on the
// organisation's calendar (see Schedule): a due time that falls on a
// non-working day moves by [org] holiday_policy, like every deadline of the
// bot (before: to the previous working day; after: to the next; keep: it
// stays), and two due times that move onto the same instant make one form; a
// due time inside a school vacation is no form at all, so the first form after
// a vacation covers it. A form's window runs from the previous due time
// (exclusive) to its own due time (inclusive). Schedule is the one place this
// rule lives: the scheduler's reminders and overdue lists ask Schedule.On.
//
// Each accepted message is an Entry (A<n>) of one form (see Attribute):
// inside a window it belongs to the form due at the window's end; after a due
// time whose form is still missing it completes that form late; a message that
// names a date belongs to the form whose window contains that date (the form
// due that day, or the next one). A form is the union of its live entries;
// its state (FormOpen, FormOnTime, FormLate, FormMissing) is judged on the
// message times of its entries, never on the server's clock.
package attendance
