package attendance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

// Leave completion (SPEC §5.1): a leave sent without its approver is
// flagged 待补请假条; the class teacher completes it with 批准 A5 赵六
// [批准人] or 补请假条 A5 赵六 批准人 刘老师 instead of re-sending the whole
// form. The change is kept in the entry's history; nobody is notified (the
// teacher is the one who approves, and the ledger only loses hours by it).

// ErrNoLeave is an approval of a student the entry records no leave for.
var ErrNoLeave = errors.New("attendance: the entry records no leave of that student")

// Approval is a class teacher's 批准 of the leave of one student of an entry.
type Approval struct {
	Member   *org.Member
	Entry    string
	Student  string // as Row.Who (张三 or 张三[23]); the bare name matches a student number too
	Approver string // who approved: a person, a role, or the teacher's own name
	At       time.Time
	Text     string // the message as typed, kept in the history
}

// ApprovalResult is the entry after the approval and the approvers the
// student's leave rows had before it ("" for 待补请假条).
type ApprovalResult struct {
	Entry  *Entry
	Before []string
}

// Approve sets the approver of the student's leave rows in the entry.
func (a *Service) Approve(ctx context.Context, x Approval) (*ApprovalResult, error) {
	at := a.at(x.At)
	at = at.In(a.Location())
	var res *ApprovalResult
	err := a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		e, err := a.changeable(tx, x.Member, x.Entry, at)
		if err != nil {
			return err
		}
		if !(x.Member.Has(org.Teacher) && x.Member.In(e.Unit)) {
			return ErrNotClassTeacher
		}
		res = &ApprovalResult{Entry: e}
		for i, r := range e.Rows {
			if r.Type == Leave && (r.Who() == x.Student || r.Student == x.Student) {
				res.Before = append(res.Before, r.Approver)
				e.Rows[i].Approver = x.Approver
			}
		}
		if len(res.Before) == 0 {
			return fmt.Errorf("%w: %s %s", ErrNoLeave, e.ID, x.Student)
		}
		e.ChangedAt = at
		detail := fmt.Sprintf("%s 请假 批准人 %s（原为 %s）", x.Student, x.Approver, strings.Join(approversOrPending(res.Before), "、"))
		return tx.PutEntry(e, "approve", detail+"｜"+x.Text, at)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// approversOrPending writes each approver, or 待补请假条 for none.
func approversOrPending(as []string) []string {
	out := make([]string, len(as))
	for i, s := range as {
		out[i] = s
		if s == "" {
			out[i] = pendingNote
		}
	}
	return out
}

// PendingLeaves lists the students (as Row.Who) of the entry whose leave
// has no approver, in row order, each once.
func PendingLeaves(e *Entry) []string {
	var out []string
	for _, r := range e.Rows {
		if r.Type == Leave && r.Approver == "" && !slices.Contains(out, r.Who()) {
			out = append(out, r.Who())
		}
	}
	return out
}

// LeaveStudents lists the students (as Row.Who) of the entry's leave rows,
// each once.
func LeaveStudents(e *Entry) []string {
	var out []string
	for _, r := range e.Rows {
		if r.Type == Leave && !slices.Contains(out, r.Who()) {
			out = append(out, r.Who())
		}
	}
	return out
}
