package desk_test

import "time"

// at reads "2026-11-26 16:02" or "2026-11-26" in Shanghai.
func at(s string) time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err == nil {
		var t time.Time
		if t, err = time.ParseInLocation("2006-01-02 15:04"[:len(s)], s, loc); err == nil {
			return t
		}
	}
	panic(err)
}
