package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/baosong/baosong/config"
)

func runCheckConfig(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check-config", stderr)
	path := fs.String("config", "", "configuration file (default: the embedded demo)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := loadConfig(*path)
	var problems config.Problems
	if errors.As(err, &problems) {
		fmt.Fprintln(stdout, problems.Error())
		return fmt.Errorf("配置检查未通过（%d 处问题）", len(problems))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "配置正确：%s，%d 个单位，%d 名成员，%d 名学生。\n", c.Org.Name, len(c.Units), len(c.Members), len(c.Students))
	if w := c.OpenToTheProxy(); w != "" {
		fmt.Fprintf(stdout, "警告 WARNING：%s；serve 将拒绝启动，除非加 -insecure-loopback。\n", w)
	}
	return nil
}
