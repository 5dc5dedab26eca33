package store

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/baosong/baosong/bot"
)

// DedupeRetention is how long a message id is remembered.
const DedupeRetention = 7 * 24 * time.Hour

type dedupeEntry struct {
	At      time.Time `json:"at"`
	Nonce   string    `json:"nonce,omitempty"` // the handling that claimed it
	Replies []string  `json:"replies,omitempty"`
	Records []string  `json:"records,omitempty"` // ids of the records the handling stored
	Done    bool      `json:"done"`
}

// claim records the context's message claim in this transaction, or fails
// with bot.ErrDuplicate when another handling of the message got there first.
func (t *Tx) claim() error {
	c, ok := bot.ClaimFrom(t.ctx)
	if !ok {
		return nil
	}
	b := t.bucket(bucketDedupe)
	if raw := b.Get([]byte(c.Key)); raw != nil {
		if e, err := decodeDedupe(raw); err == nil && e.Nonce == c.Nonce && !e.Done {
			return nil
		}
		return bot.ErrDuplicate
	}
	return putDedupe(t.tx, c.Key, dedupeEntry{At: t.Now(), Nonce: c.Nonce}, nil)
}

// putDedupe stores an entry; replies, when not nil, are its replies packed
// (packReplies) and take the place of e.Replies.
func putDedupe(tx kvTx, key string, e dedupeEntry, replies []byte) error {
	var raw []byte
	if replies != nil {
		raw = packDedupe(e, replies)
	} else {
		var err error
		if raw, err = json.Marshal(e); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketDedupe).Put([]byte(key), raw); err != nil {
		return err
	}
	idx := append(u64(uint64(e.At.UnixNano())), key...)
	return tx.Bucket(bucketDedupeAt).Put(idx, nil)
}

// Seen returns what is remembered of a message key. found is true when the
// message was handled (or is being handled: then the replies may be empty,
// and the records say what it stored).
func (s *DB) Seen(_ context.Context, key string) (h bot.Handled, found bool, err error) {
	err = s.kv.View(func(tx kvTx) error {
		raw := tx.Bucket(bucketDedupe).Get([]byte(key))
		if raw == nil {
			return nil
		}
		e, err := decodeDedupe(raw)
		if err != nil {
			return err
		}
		found, h = true, bot.Handled{Replies: e.Replies, Records: e.Records}
		return nil
	})
	return h, found, err
}

// noteRecord adds a record id to the claim of the message being handled, in
// the transaction that stores the record.
func (t *Tx) noteRecord(id string) error {
	c, ok := bot.ClaimFrom(t.ctx)
	if !ok {
		return nil
	}
	b := t.bucket(bucketDedupe)
	raw := b.Get([]byte(c.Key))
	if raw == nil {
		return nil
	}
	e, err := decodeDedupe(raw)
	if err != nil || e.Done || slices.Contains(e.Records, id) {
		return err
	}
	e.Records = append(e.Records, id)
	out, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put([]byte(c.Key), out)
}

// Remember durably stores the replies given to a message, closing its claim.
// It does not overwrite the replies of a handling that finished first.
// The replies are packed before the transaction, outside the serialized
// commit.
func (s *DB) Remember(ctx context.Context, key string, replies []string) error {
	packed, err := packReplies(replies)
	if err != nil {
		return err
	}
	at := s.now()
	return s.batch(func(tx kvTx) error {
		var records []string
		if raw := tx.Bucket(bucketDedupe).Get([]byte(key)); raw != nil {
			if e, err := decodeDedupe(raw); err == nil {
				if e.Done {
					return nil
				}
				if c, ok := bot.ClaimFrom(ctx); ok && e.Nonce != "" && e.Nonce != c.Nonce {
					return nil
				}
				at, records = e.At, e.Records
			}
		}
		return putDedupe(tx, key, dedupeEntry{At: at, Records: records, Done: true}, packed)
	})
}

// PurgeDedupe forgets message ids older than the retention; returns how many.
func (s *DB) PurgeDedupe() (int, error) {
	cutoff := u64(uint64(s.now().Add(-DedupeRetention).UnixNano()))
	n := 0
	err := s.kv.Update(func(tx kvTx) error {
		n = 0 // this may run more than once
		idx, b := tx.Bucket(bucketDedupeAt), tx.Bucket(bucketDedupe)
		c := idx.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.First() {
			key := string(k[8:])
			// Only drop the entry if this index row is its latest timestamp.
			if raw := b.Get([]byte(key)); raw != nil {
				if e, err := decodeDedupe(raw); err == nil && binary.BigEndian.Uint64(k[:8]) == uint64(e.At.UnixNano()) {
					if err := b.Delete([]byte(key)); err != nil {
						return err
					}
					n++
				}
			}
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// A dedupe entry is stored as its JSON, or, once it keeps the replies
// (Remember), packed: dedupeDone, the time (unix nanos, 8 bytes), the number
// of records (uvarint) and each record id (uvarint length, bytes), then the
// replies' JSON compressed with flate against dedupeDict. The replies are
// most of what a message leaves behind for the 7 days a redelivery may come
// (a form's reply of 600 bytes takes about 200). Before schema 9 the packed
// entry was dedupePacked, the length of the entry's JSON without the replies
// (uvarint), that JSON, then the replies, 60 bytes more; it still reads.
const (
	dedupePacked = 1
	dedupeDone   = 2
)

// packDedupe is the packed form of a done entry; replies are packReplies'.
func packDedupe(e dedupeEntry, replies []byte) []byte {
	raw := binary.BigEndian.AppendUint64([]byte{dedupeDone}, uint64(e.At.UnixNano()))
	raw = binary.AppendUvarint(raw, uint64(len(e.Records)))
	for _, id := range e.Records {
		raw = append(binary.AppendUvarint(raw, uint64(len(id))), id...)
	}
	return append(raw, replies...)
}

// dedupeDict is the dictionary the replies are compressed against: the
// words of the replies to attendance forms, the commonest message, with the
// most frequent last. Entries packed with it can only be read with it: a
// different dictionary needs a new leading byte (dedupePacked).
const dedupeDict = `已收到急报 已收到信息 书面报告 周报 好人好事 外出 未查明 查明 原因 。
晚归：夜不归宿：擅自离校：请假：病假 事假 批准人班主任 待补请假条
["已收到 A：高一(1)班 高二(1)班 高三(1)班 12月7日(周一)17:00截止的日常信息报表（按时）。\n无异常\n旷课：节、节\n
已通知班主任（班主任）及时联系家长。\n本期报表已有 条（最近的是 A、A），内容合并计算；如有重复，可“撤回 编号”。\n
如需修改：更正 A 后写全部内容，如 更正 A 旷课：节；撤回：撤回 A"]`

var (
	packers = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(nil, 4, []byte(dedupeDict))
		if err != nil {
			panic(err) // only for a bad level
		}
		return w
	}}
	unpackers = sync.Pool{New: func() any { return flate.NewReaderDict(nil, []byte(dedupeDict)) }}
)

// packReplies compresses replies for a packed dedupe entry.
func packReplies(replies []string) ([]byte, error) {
	raw, err := json.Marshal(replies)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := packers.Get().(*flate.Writer)
	defer packers.Put(w)
	w.Reset(&out)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// decodeDedupe reads a stored dedupe entry, packed or not.
func decodeDedupe(raw []byte) (dedupeEntry, error) {
	var e dedupeEntry
	damaged := errors.New("store: a damaged dedupe entry")
	var packed []byte
	switch {
	case len(raw) > 9 && raw[0] == dedupeDone:
		e.At, e.Done = time.Unix(0, int64(binary.BigEndian.Uint64(raw[1:9]))), true
		n, size := binary.Uvarint(raw[9:])
		if size <= 0 || n > uint64(len(raw)) {
			return e, damaged
		}
		packed = raw[9+size:]
		for range n {
			l, size := binary.Uvarint(packed)
			if size <= 0 || uint64(len(packed)-size) < l {
				return e, damaged
			}
			e.Records, packed = append(e.Records, string(packed[size:size+int(l)])), packed[size+int(l):]
		}
	case len(raw) > 0 && raw[0] == dedupePacked:
		n, size := binary.Uvarint(raw[1:])
		if size <= 0 || uint64(len(raw)-1-size) < n {
			return e, damaged
		}
		if err := json.Unmarshal(raw[1+size:1+size+int(n)], &e); err != nil {
			return e, err
		}
		packed = raw[1+size+int(n):]
	default:
		return e, json.Unmarshal(raw, &e)
	}
	r := unpackers.Get().(io.ReadCloser)
	defer unpackers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(packed), []byte(dedupeDict)); err != nil {
		return e, err
	}
	replies, err := io.ReadAll(r)
	if err != nil {
		return e, err
	}
	return e, json.Unmarshal(replies, &e.Replies)
}
