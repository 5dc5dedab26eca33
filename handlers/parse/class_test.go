package parse

import "testing"

func TestParseClass(t *testing.T) {
	tests := []struct {
		in   string
		want ClassRef
		ok   bool
	}{
		{"高一(1)班", ClassRef{"高一", 1}, true},
		{"高一（1）班", ClassRef{"高一", 1}, true},
		{"高一1班", ClassRef{"高一", 1}, true},
		{"高一一班", ClassRef{"高一", 1}, true},
		{"高一(1)", ClassRef{"高一", 1}, true},
		{"高一十二班", ClassRef{"高一", 12}, true},
		{"高二(2)班", ClassRef{"高二", 2}, true},
		{"高三年级3班", ClassRef{"高三", 3}, true},
		{"高中一年级(1)班", ClassRef{"高一", 1}, true},
		{"初一(2)班", ClassRef{"初一", 2}, true},
		{"初中三年级5班", ClassRef{"初三", 5}, true},
		{"七年级3班", ClassRef{"七年级", 3}, true},
		{"7年级(3)班", ClassRef{"七年级", 3}, true},
		{"九年级（10）班", ClassRef{"九年级", 10}, true},
		{"三年级二班", ClassRef{"三年级", 2}, true},
		{" 高一(1)班 ", ClassRef{"高一", 1}, true},
		{"高一", ClassRef{}, false},
		{"高一1", ClassRef{}, false},
		{"高一鸣", ClassRef{}, false},
		{"高四(1)班", ClassRef{}, false},
		{"初中一1班", ClassRef{}, false},
		{"十年级1班", ClassRef{}, false},
		{"高一(0)班", ClassRef{}, false},
		{"高一(1班", ClassRef{}, false},
		{"高一(1)班张三", ClassRef{}, false},
		{"", ClassRef{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseClass(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseClass(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if s := (ClassRef{"高一", 1}).String(); s != "高一(1)班" {
		t.Errorf("String() = %q", s)
	}
}

func TestLeadingClass(t *testing.T) {
	c, rest, ok := LeadingClass("初一(2)班3名学生午餐后腹痛")
	if !ok || c != (ClassRef{"初一", 2}) || rest != "3名学生午餐后腹痛" {
		t.Errorf("LeadingClass = %+v, %q, %v", c, rest, ok)
	}
}
