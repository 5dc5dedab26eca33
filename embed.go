// Package baosong holds the embedded demo configuration; the program lives
// in cmd/baosong and the packages beside this file.
package baosong

import _ "embed"

// ExampleConfig is config.example.toml: the documented default, which runs
// the demo organisation 示例中学.
//
//go:embed config.example.toml
var ExampleConfig []byte
