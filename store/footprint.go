package store

// BucketSize is what one bucket holds: its keys and the bytes of its keys
// and values (what the records cost, before the engine's own overhead:
// bbolt's half-filled pages, PostgreSQL's row headers).
type BucketSize struct {
	Name  string
	Keys  int
	Bytes int64
}

// Footprint walks every bucket (baosong loadgen -footprint: the bytes a
// stored form costs). It reads the whole database: for a stopped server's
// data or a test, not for a running server's requests.
func (s *DB) Footprint() ([]BucketSize, error) {
	var out []BucketSize
	err := s.kv.View(func(tx kvTx) error {
		for _, name := range allBuckets {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			size := BucketSize{Name: string(name)}
			err := b.ForEach(func(k, v []byte) error {
				size.Keys++
				size.Bytes += int64(len(k) + len(v))
				return nil
			})
			if err != nil {
				return err
			}
			out = append(out, size)
		}
		return nil
	})
	return out, err
}
