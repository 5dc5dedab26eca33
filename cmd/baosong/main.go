// Command baosong runs the 信息报送 bot and its tools. Each subcommand has its
// own file; the wiring lives in package app.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	_ "time/tzdata" // the organisation's zone loads on machines without a zoneinfo database

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// errUsage marks a usage error (exit code 2).
var errUsage = errors.New("usage")

type command struct {
	name, args, help string
	run              func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "[-config F] [-listen ADDR] [-data DIR] [-now RFC3339] [-pprof ADDR] [-insecure-loopback]", "run the bot: hooks, scheduler, outbox", runServe},
		{"chat", "-as MEMBER [-server URL]", "chat with a running server as a member (local channel)", runChat},
		{"say", "-as MEMBER [-server URL] [-at RFC3339] [-id ID] TEXT", "send one message and print the replies", runSay},
		{"loadgen", "-gen F | -config F [-server URL] [-channel local|wecom] [-rate R | -c N] [-d DUR] [-mix a,q,i] [-fake-wecom ADDR]", "generate a scaled-up organisation, or drive a running server and report latency percentiles", runLoadgen},
		{"check-config", "[-config F]", "validate a configuration and list every problem", runCheckConfig},
		{"schedule", "[-config F] [-from RFC3339] [-n N]", "print the next scheduled firings (reminders, deadlines, lists, circulars)", runSchedule},
		{"export", "-what KIND -period 2026-11|2026Q4|2026 -o FILE.xlsx|.csv|.json [-config F] [-data DIR] [-server URL]", "export records (works on a stopped server's data or through a running one)", runExport},
		{"backup", "-o FILE [-server URL] [-token T]", "consistent copy of a running server's database", runBackup},
		{"migrate", "-from bbolt:DIR|postgres:DSN -to postgres:DSN|bbolt:DIR", "copy a stopped server's store to an empty one on the other engine", runMigrate},
		{"version", "", "print the version", func(_ []string, out, _ io.Writer) error {
			fmt.Fprintln(out, "baosong", version)
			return nil
		}},
	}
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp):
				if err != errUsage && !errors.Is(err, flag.ErrHelp) {
					fmt.Fprintln(stderr, "baosong:", err)
				}
				fmt.Fprintf(stderr, "usage: baosong %s %s\n", c.name, c.args)
				return 2
			default:
				fmt.Fprintln(stderr, "baosong:", err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "baosong: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "baosong — 信息报送 bot for WeCom, DingTalk and the local channel\n\nusage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  baosong %-12s %s\n      %s\n", c.name, c.args, c.help)
	}
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// loadConfig reads the file, or the embedded demo configuration when path is "".
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Parse(baosong.ExampleConfig, ".")
	}
	return config.Load(path)
}
