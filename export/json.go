package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// jsonWriter writes an indented JSON object field by field, and a big list
// element by element, so that an export never holds its whole text. The
// bytes are those json.Encoder writes for the same object with
// SetIndent("", "  ") and SetEscapeHTML(false): a value at depth d is
// encoded alone with a prefix of 2·d spaces, which is what the encoder's
// (purely lexical) indentation gives it inside the object.
type jsonWriter struct {
	w      *bufio.Writer
	buf    bytes.Buffer
	enc    *json.Encoder
	fields int
	items  int
	err    error
}

func newJSON(w io.Writer) *jsonWriter {
	j := &jsonWriter{w: bufio.NewWriter(w)}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	return j
}

func (j *jsonWriter) write(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

// value writes v encoded at the indentation prefix.
func (j *jsonWriter) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	j.enc.SetIndent(prefix, "  ")
	if j.err = j.enc.Encode(v); j.err != nil {
		return
	}
	_, j.err = j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
}

// key starts the object's next field; names are plain ASCII.
func (j *jsonWriter) key(name string) {
	if j.fields == 0 {
		j.write("{\n")
	} else {
		j.write(",\n")
	}
	j.fields++
	j.write(`  "` + name + `": `)
}

// field writes a whole field.
func (j *jsonWriter) field(name string, v any) {
	j.key(name)
	j.value(v, "  ")
}

// open starts a list field (never null); item adds its elements, close ends it.
func (j *jsonWriter) open(name string) {
	j.key(name)
	j.items = 0
}

func (j *jsonWriter) item(v any) {
	if j.items == 0 {
		j.write("[\n    ")
	} else {
		j.write(",\n    ")
	}
	j.items++
	j.value(v, "    ")
}

func (j *jsonWriter) close() {
	if j.items == 0 {
		j.write("[]")
	} else {
		j.write("\n  ]")
	}
}

// end closes the object, flushes and reports the first error.
func (j *jsonWriter) end(what string) error {
	if j.fields == 0 {
		j.write("{}\n")
	} else {
		j.write("\n}\n")
	}
	if j.err == nil {
		j.err = j.w.Flush()
	}
	if j.err != nil {
		return fmt.Errorf("export: %s json: %w", what, j.err)
	}
	return nil
}
