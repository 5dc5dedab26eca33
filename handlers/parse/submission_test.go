package parse

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baosong/baosong/desk"
)

// submissionCase is one case of testdata/submission.input and its result.
type submissionCase struct {
	Name    string   `json:"name"`
	Input   string   `json:"input"`
	Article *Article `json:"article,omitempty"`
	Missing []string `json:"missing,omitempty"` // what the desk will ask for (desk.Article.Missing)
	Error   string   `json:"error,omitempty"`
}

func readSubmissionCases(t *testing.T) []submissionCase {
	t.Helper()
	var cases []submissionCase
	for _, c := range readNamedCases(t, "submission.input") {
		cases = append(cases, submissionCase{Name: c.Name, Input: c.Input})
	}
	return cases
}

func TestSubmissionGolden(t *testing.T) {
	cases := readSubmissionCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d cases; the golden file should keep at least 40", len(cases))
	}
	for i, c := range cases {
		a, err := Submission(c.Input)
		if err != nil {
			cases[i].Error = err.Error()
			continue
		}
		cases[i].Article = &a
		cases[i].Missing = (&desk.Article{Title: a.Title, Body: a.Body, Author: a.Author, Reviewer: a.Reviewer}).Missing()
	}
	checkGolden(t, "submission.golden.json", cases, func(_ int, c submissionCase) string { return "case " + c.Name })
}

func TestSubmissionTable(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Article
		err  error
	}{
		{"SPEC example", "标题：我局开展防汛应急演练\n类别：动态\n正文：6月12日，我局组织……\n撰稿：马丽  审核：周强",
			Article{Title: "我局开展防汛应急演练", Category: "动态", Body: "6月12日，我局组织……", Author: "马丽", Reviewer: "周强",
				Labeled: []string{"标题", "类别", "正文", "撰稿", "审核"}}, nil},
		{"CRLF", "标题：甲\r\n正文：乙\r\n撰稿：丙\r\n审核：丁",
			Article{Title: "甲", Body: "乙", Author: "丙", Reviewer: "丁", Labeled: []string{"标题", "正文", "撰稿", "审核"}}, nil},
		{"full-width colon and digits", "标题：２０２６年运动会 正文：第３２届。 作者：马丽 审核人：周强",
			Article{Title: "2026年运动会", Body: "第32届。", Author: "马丽", Reviewer: "周强",
				Labeled: []string{"标题", "正文", "撰稿", "审核"}}, nil},
		{"category suffix", "标题：甲 类别：调研类 正文：乙",
			Article{Title: "甲", Category: "调研", Body: "乙", Labeled: []string{"标题", "类别", "正文"}}, nil},
		{"combined", "标题：甲 正文：乙 撰稿/审核：马丽/周强",
			Article{Title: "甲", Body: "乙", Author: "马丽", Reviewer: "周强", Labeled: []string{"标题", "正文", "撰稿", "审核"}}, nil},
		{"bare name", "马丽", Article{Title: "马丽"}, nil},
		{"unknown category", "标题：甲 类别：通知", Article{}, ErrSubmissionCategory},
		{"empty", "  \n ", Article{}, ErrEmptyArticle},
		{"label without value", "撰稿：", Article{}, ErrEmptyArticle},
		{"title too long", "标题：" + strings.Repeat("长", MaxTitleRunes+1), Article{}, ErrTitleTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Submission(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func FuzzSubmission(f *testing.F) {
	for _, s := range []string{
		"标题：甲\n类别：动态\n正文：乙\n撰稿：马丽  审核：周强", "撰稿/审核：马丽/周强", "标题 甲", "（撰稿：马丽）",
		"类别：调研报告", "题目:x 内容:y 作者:z 审稿:w", "\xff标题：", "撰稿、审核：", ":::", "标题：\n\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Submission(s)
		if err != nil {
			if !reflect.DeepEqual(a, Article{}) {
				t.Fatalf("both an article and an error for %q", s)
			}
			return
		}
		if a.Title == "" && a.Body == "" && a.Author == "" && a.Reviewer == "" && a.Category == "" {
			t.Fatalf("empty article without error for %q", s)
		}
		for _, v := range []string{a.Title, a.Category, a.Body, a.Author, a.Reviewer} {
			if !utf8.ValidString(v) || v != strings.TrimSpace(v) {
				t.Fatalf("field %q of %q is not clean", v, s)
			}
		}
		if a.Category != "" && !subContains(SubmissionCategories, a.Category) {
			t.Fatalf("category %q for %q", a.Category, s)
		}
		if utf8.RuneCountInString(a.Title) > MaxTitleRunes {
			t.Fatalf("title too long for %q", s)
		}
	})
}

func subContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func BenchmarkSubmission(b *testing.B) {
	in := "标题：我局开展防汛应急演练\n类别：动态\n正文：" + strings.Repeat("6月12日，我局组织机关干部开展防汛应急演练。", 20) +
		"\n撰稿：马丽  审核：周强"
	for b.Loop() {
		if _, err := Submission(in); err != nil {
			b.Fatal(err)
		}
	}
}
