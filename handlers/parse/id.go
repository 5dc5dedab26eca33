package parse

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Record ids are a letter and a number: A12 (an attendance entry), S5 (an
// information item), E3 (an incident), O2 (an outing). People type them
// as A12, a12, #A12, ＃Ａ１２ or A 12, and a number with zeros in front
// (S0005) as the desk's old paper forms did. An id is read canonical: the
// letter upper case, the number without leading zeros (S0005 is S5). A
// number of zero, or of more than maxIDDigits digits, is no id.

// maxIDDigits bounds the number of an id.
const maxIDDigits = 9

// idSeps separate an id from what follows it (A12：张三, S5，数据需核实).
const idSeps = ",，:：、;；。"

// LeadingID reads a record id at the start of s, after spaces and a # or
// ＃; a space between the letter and the number is allowed (撤回 A 12):
// "A12 张三 发烧" gives "A12" and "张三 发烧". rest is s after the id as
// given, separators and spaces around it trimmed (a cause keeps its
// punctuation). ok is false when s starts with no id; rest is then s.
func LeadingID(s string) (id, rest string, ok bool) {
	t := strings.TrimLeftFunc(s, func(r rune) bool { return r == '#' || r == '＃' || unicode.IsSpace(r) })
	letter, size := idLetter(t)
	if letter == 0 {
		return "", s, false
	}
	digits := strings.TrimLeftFunc(t[size:], func(r rune) bool { return r == ' ' || r == '\u3000' })
	id, n, ok := idNumber(letter, digits)
	if !ok {
		return "", s, false
	}
	return id, strings.TrimSpace(strings.TrimLeftFunc(digits[n:], isIDSep)), true
}

// FindID finds the first id of the letter prefix (E for incidents)
// anywhere in s, written without a space and not glued to a letter or
// digit before it: "截至15时，E3 人数上升至4人" gives "E3" and
// "截至15时， 人数上升至4人". rest is s without the id: the text before it
// and after it joined by a space, separators next to the id trimmed. ok is
// false when s names no such id; rest is then s trimmed.
func FindID(s string, prefix rune) (id, rest string, ok bool) {
	s = strings.TrimSpace(s)
	glued := false // the previous rune is a letter or digit
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		start := i
		if (r == '#' || r == '＃') && !glued {
			i += size
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if letter, _ := idLetter(s[i:]); letter == prefix && !glued {
			if id, n, ok := idNumber(letter, s[i+size:]); ok {
				before := strings.TrimRight(s[:start], " \t")
				after := strings.TrimLeftFunc(s[i+size+n:], func(r rune) bool { return isIDSep(r) || r == '.' })
				switch {
				case before == "":
					return id, after, true
				case after == "":
					return id, strings.TrimRightFunc(before, func(r rune) bool { return isIDSep(r) || r == '.' }), true
				}
				return id, before + " " + after, true
			}
		}
		_, digit := arabicDigit(r)
		l, _ := idLetter(s[i:])
		glued = digit || l != 0
		i += size
	}
	return "", s, false
}

// idLetter reads an ASCII or full-width Latin letter at the start of s, as
// upper case; 0 when s starts with none.
func idLetter(s string) (letter rune, size int) {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r >= 'a' && r <= 'z':
		return r - 'a' + 'A', size
	case r >= 'A' && r <= 'Z':
		return r, size
	case r >= 'ａ' && r <= 'ｚ':
		return r - 'ａ' + 'A', size
	case r >= 'Ａ' && r <= 'Ｚ':
		return r - 'Ａ' + 'A', size
	}
	return 0, 0
}

// idNumber reads the number of an id at the start of s (half- or
// full-width digits, not followed by another digit) and returns the
// canonical id and the bytes read.
func idNumber(letter rune, s string) (id string, n int, ok bool) {
	v, after, ok := leadingArabic(s)
	n = len(s) - len(after)
	if !ok || v == 0 || utf8.RuneCountInString(s[:n]) > maxIDDigits {
		return "", 0, false
	}
	return string(letter) + strconv.Itoa(v), n, true
}

func isIDSep(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(idSeps, r) }
