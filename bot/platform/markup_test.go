package platform

import (
	"strings"
	"testing"
)

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张三"},
		{"**[点我](http://evil.example)**", "＊＊［点我］（http://evil.example）＊＊"},
		{`<font color="warning">紧急</font>`, `＜font color="warning"＞紧急＜/font＞`},
		{"# 标题\n> 引用", "＃ 标题\n＞ 引用"},
		{"`code` ~~删除~~ _斜体_", "｀code｀ ～～删除～～ ＿斜体＿"},
		{"<@leader-1>", "＜@leader-1＞"},
		{"| a | b |", "｜ a ｜ b ｜"},
		{"高一(1)班", "高一（1）班"},
		{"3 - 2 = 1，约600元", "3 - 2 = 1，约600元"},
	}
	for _, tt := range tests {
		if got := EscapeMarkdown(tt.in); got != tt.want {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDefuseTags(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张三"},
		{`<a href="http://evil.example">点我</a>`, `＜a href="http://evil.example">点我＜/a>`},
		{`<A HREF=x>`, `＜A HREF=x>`},
		{`<div class="highlight">`, `＜div class="highlight">`},
		{"<!-- x -->", "＜!-- x -->"},
		{"<?xml", "＜?xml"},
		{"人数 < 3，<3", "人数 < 3，<3"},
		{"<", "<"},
		{"a<b", "a＜b"},
		{"<<a>", "<＜a>"},
	}
	for _, tt := range tests {
		if got := DefuseTags(tt.in); got != tt.want {
			t.Errorf("DefuseTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMarkup(f *testing.F) {
	for _, s := range []string{"**[x](y)**", "<a href=x>", "a < b", "<\xff", "＜"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if md := EscapeMarkdown(s); strings.ContainsAny(md, "*_`[]()#><~|") {
			t.Fatalf("EscapeMarkdown(%q) = %q keeps markup", s, md)
		}
		d := DefuseTags(s)
		for i := 0; i+1 < len(d); i++ {
			if d[i] == '<' && opensTag(d[i+1]) {
				t.Fatalf("DefuseTags(%q) = %q opens a tag at %d", s, d, i)
			}
		}
		if strings.ReplaceAll(d, "＜", "<") != strings.ReplaceAll(s, "＜", "<") {
			t.Fatalf("DefuseTags(%q) = %q changed more than '<'", s, d)
		}
	})
}
