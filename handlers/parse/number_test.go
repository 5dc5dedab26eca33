package parse

import (
	"strings"
	"testing"
)

func TestChineseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"零", 0, true},
		{"〇", 0, true},
		{"一", 1, true},
		{"两", 2, true},
		{"二", 2, true},
		{"九", 9, true},
		{"十", 10, true},
		{"十五", 15, true},
		{"十九", 19, true},
		{"二十", 20, true},
		{"一十五", 15, true},
		{"二十三", 23, true},
		{"一百", 100, true},
		{"一百零五", 105, true},
		{"一百一十", 110, true},
		{"一百二十", 120, true},
		{"一百二", 120, true},
		{"两百", 200, true},
		{"三千", 3000, true},
		{"三千五", 3500, true},
		{"三千零五", 3005, true},
		{"一千零十", 1010, true},
		{"一千零五十", 1050, true},
		{"一万", 10000, true},
		{"一万二", 12000, true},
		{"一万零五", 10005, true},
		{"两万三千", 23000, true},
		{"十万", 100000, true},
		{"二十万", 200000, true},
		{"九千九百九十九万九千九百九十九", 99999999, true},
		{"", 0, false},
		{"三四", 0, false},
		{"二〇二六", 0, false},
		{"一零", 0, false},
		{"十十", 0, false},
		{"百", 0, false},
		{"千", 0, false},
		{"万", 0, false},
		{"十百", 0, false},
		{"一百百", 0, false},
		{"一万万", 0, false},
		{"零十", 0, false},
		{"五节", 0, false},
		{"3", 0, false},
	}
	for _, tt := range tests {
		got, ok := ChineseInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ChineseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 3, true},
		{"３", 3, true},
		{"１２", 12, true},
		{"045", 45, true},
		{"十五", 15, true},
		{"两", 2, true},
		{"二十", 20, true},
		{"一百二十", 120, true},
		{"三千", 3000, true},
		{"3千", 3000, true},
		{"2万", 20000, true},
		{"5百", 500, true},
		{"1.2万", 0, false},
		{"3.5", 0, false},
		{"3节", 0, false},
		{" 3", 0, false},
		{"", 0, false},
		{"-3", 0, false},
		{"9999999999", 0, false},
		{"9亿", 0, false},
	}
	for _, tt := range tests {
		got, ok := Number(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Number(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLeadingNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		rest string
		ok   bool
	}{
		{"2节", 2, "节", true},
		{"２节课", 2, "节课", true},
		{"十五节", 15, "节", true},
		{"两节课", 2, "节课", true},
		{"一节", 1, "节", true},
		{"三千块左右", 3000, "块左右", true},
		{"3千块", 3000, "块", true},
		{"1.2万元", 1, ".2万元", true},
		{"十一月", 11, "月", true},
		{"九一节", 9, "一节", true},
		{"三四个", 3, "四个", true},
		{"23:40", 23, ":40", true},
		{"45人", 45, "人", true},
		{"百姓", 0, "百姓", false},
		{"万明", 0, "万明", false},
		{"张三", 0, "张三", false},
		{"", 0, "", false},
		{"99999999999节", 0, "99999999999节", false},
	}
	for _, tt := range tests {
		got, rest, ok := LeadingNumber(tt.in)
		if got != tt.want || rest != tt.rest || ok != tt.ok {
			t.Errorf("LeadingNumber(%q) = %d, %q, %v; want %d, %q, %v", tt.in, got, rest, ok, tt.want, tt.rest, tt.ok)
		}
	}
}

func FuzzLeadingNumber(f *testing.F) {
	for _, s := range []string{"十五节", "2节", "一万二千三百", "9999999999", "三千块", "零〇两"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, rest, ok := LeadingNumber(s)
		if !ok {
			if n != 0 || rest != s {
				t.Fatalf("LeadingNumber(%q) = %d, %q, false", s, n, rest)
			}
			return
		}
		if n < 0 || n > maxInt || len(rest) >= len(s) || !strings.HasSuffix(s, rest) {
			t.Fatalf("LeadingNumber(%q) = %d, %q", s, n, rest)
		}
		if whole, ok := Number(s[:len(s)-len(rest)]); !ok || whole != n {
			t.Fatalf("Number of the prefix LeadingNumber(%q) read = %d, %v; want %d", s, whole, ok, n)
		}
	})
}
