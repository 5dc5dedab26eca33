package store

import (
	"errors"

	"github.com/baosong/baosong/attendance"
)

// Outing notices (attendance.Tx) live in the O record bucket.

func (a attendanceTx) NewOutingID() (string, error) { return a.t.NextID("O") }

func (a attendanceTx) PutOuting(o *attendance.Outing, action string) error {
	if err := a.t.Put(o.ID, o); err != nil {
		return err
	}
	return a.t.Record(o.ID, action, o.Date+" "+o.Activity, o.At)
}

func (a attendanceTx) Outing(id string) (*attendance.Outing, error) {
	if p, _, ok := ParseID(id); !ok || p != "O" {
		return nil, attendance.ErrNoOuting
	}
	o := new(attendance.Outing)
	if err := a.t.Get(id, o); errors.Is(err, ErrNotFound) {
		return nil, attendance.ErrNoOuting
	} else if err != nil {
		return nil, err
	}
	return o, nil
}

func (a attendanceTx) Outings() ([]*attendance.Outing, error) {
	return collect[attendance.Outing](a.t, "O")
}
