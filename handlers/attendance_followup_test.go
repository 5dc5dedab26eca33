package handlers

import (
	"slices"
	"testing"
)

func TestAfterID(t *testing.T) {
	for body, want := range map[string]string{
		"A12 张三 发烧在家，家长已知晓": "张三 发烧在家，家长已知晓",
		"#A12 张三：发烧":        "张三：发烧",
		"＃Ａ１２，张三 发烧":        "张三 发烧",
		"a7张三":              "张三",
		"A12":               "",
		"  A3  ":            "",
		"张三 A12":            "",
	} {
		if got := afterID(body); got != want {
			t.Errorf("afterID(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestNameForms(t *testing.T) {
	if got := nameForms("张三"); !slices.Equal(got, []string{"张三"}) {
		t.Errorf("张三: %q", got)
	}
	if got := nameForms("张三[23]"); !slices.Equal(got, []string{"张三[23]", "张三【23】", "张三［23］", "张三"}) {
		t.Errorf("张三[23]: %q", got)
	}
}
