package export

import (
	"bytes"
	"encoding/json"
	"testing"
)

// jsonWriter writes what json.Encoder (indented, HTML not escaped) writes
// for the same object: nested values, empty and one-element lists, raw
// records, text that the default encoder would escape.
func TestJSONWriterMatchesEncoder(t *testing.T) {
	type inner struct {
		Name string         `json:"name"`
		List []int          `json:"list"`
		Map  map[string]any `json:"map,omitempty"`
	}
	type doc struct {
		Kind  string            `json:"kind"`
		One   []inner           `json:"one"`
		None  []inner           `json:"none"`
		Many  []json.RawMessage `json:"many"`
		Under inner             `json:"under"`
	}
	d := doc{Kind: "<a&b>", One: []inner{{Name: "=1+2", List: []int{1, 2}, Map: map[string]any{"x": []string{}}}},
		None: []inner{}, Many: []json.RawMessage{json.RawMessage(`{"a" : [1,2], "b":{}}`), json.RawMessage(`"<x>"`)},
		Under: inner{List: []int{}}}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	j := newJSON(&got)
	j.field("kind", d.Kind)
	for _, l := range []struct {
		name string
		v    []inner
	}{{"one", d.One}, {"none", d.None}} {
		j.open(l.name)
		for _, v := range l.v {
			j.item(v)
		}
		j.close()
	}
	j.open("many")
	for _, r := range d.Many {
		j.item(r)
	}
	j.close()
	j.field("under", d.Under)
	if err := j.end("test"); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("jsonWriter wrote\n%s\nwant\n%s", got.String(), want.String())
	}
	var empty bytes.Buffer
	if err := newJSON(&empty).end("test"); err != nil || empty.String() != "{}\n" {
		t.Errorf("empty object %q, %v", empty.String(), err)
	}
}
