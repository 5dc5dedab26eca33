package wecom

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// The official WeCom vector (developer.work.weixin.qq.com/document/path/91144),
// see docs/protocols.md §4.3.
const (
	vecCorpID    = "wx5823bf96d3bd56c7"
	vecToken     = "QDG6eK"
	vecKey       = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	vecTimestamp = "1409659813"
	vecNonce     = "1372623149"
	vecSignature = "477715d11cdb4164915debcba66cb864d751f3e6"
	vecEncrypt   = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	vecPlain     = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)

func vectorCrypter(t testing.TB) *crypter {
	t.Helper()
	c, err := newCrypter(vecToken, vecCorpID, vecKey)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOfficialVector(t *testing.T) {
	c := vectorCrypter(t)
	if got := c.sign(vecTimestamp, vecNonce, vecEncrypt); got != vecSignature {
		t.Errorf("signature = %s, want %s", got, vecSignature)
	}
	if !c.verify(vecSignature, vecTimestamp, vecNonce, vecEncrypt) {
		t.Error("official signature does not verify")
	}
	if c.verify(strings.Replace(vecSignature, "4", "5", 1), vecTimestamp, vecNonce, vecEncrypt) {
		t.Error("altered signature verifies")
	}
	plain, err := c.decrypt(vecEncrypt)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != vecPlain {
		t.Errorf("plaintext = %q, want %q", plain, vecPlain)
	}
}

func TestEncryptRoundTripThroughUtil(t *testing.T) {
	c := vectorCrypter(t)
	msg := []byte("<xml><Content><![CDATA[已收到，谢谢]]></Content></xml>")
	enc := c.encrypt(msg)
	// Opened by the SDK's own string API, which checks the receiveid.
	_, got, err := util.DecryptMsg(vecCorpID, enc, vecKey)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(msg) {
		t.Errorf("round trip = %q", got)
	}
	if enc == c.encrypt(msg) {
		t.Error("two encryptions are identical: random prefix missing")
	}
}

func TestDecryptRejects(t *testing.T) {
	c := vectorCrypter(t)
	other, err := newCrypter(vecToken, "wwsomeoneelse", vecKey)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := base64.StdEncoding.DecodeString(vecKey + "=")
	// Valid AES blocks whose last plaintext byte is not a PKCS#7 pad of 1..32.
	padZero := make([]byte, 64)
	pad33 := make([]byte, 64)
	pad33[63] = 33
	tests := []struct {
		name    string
		encrypt string
		want    error
	}{
		{"wrong receiveid", other.encrypt([]byte("<xml/>")), errReceiveID},
		{"bad base64", "not*base64!", errCiphertext},
		{"empty", "", errCiphertext},
		{"short", base64.StdEncoding.EncodeToString(make([]byte, 16)), errCiphertext},
		{"not block multiple", base64.StdEncoding.EncodeToString(make([]byte, 40)), errCiphertext},
		{"padding 0", base64.StdEncoding.EncodeToString(cbcEncrypt(t, key, padZero)), errCiphertext},
		{"padding 33", base64.StdEncoding.EncodeToString(cbcEncrypt(t, key, pad33)), errCiphertext},
		{"length past end", base64.StdEncoding.EncodeToString(cbcEncrypt(t, key, lengthPastEnd())), errCiphertext},
		{"truncated official", vecEncrypt[:len(vecEncrypt)-44] + "==", errCiphertext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.decrypt(tt.encrypt)
			if !errors.Is(err, tt.want) {
				t.Errorf("decrypt error = %v, want %v", err, tt.want)
			}
		})
	}
}

// cbcEncrypt encrypts whole blocks the WeCom way (IV = key[:16]) without padding.
func cbcEncrypt(t *testing.T, key, plain []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(b, key[:16]).CryptBlocks(out, plain)
	return out
}

// lengthPastEnd is a padded plaintext whose msg_len points past its end.
func lengthPastEnd() []byte {
	p := make([]byte, 64)
	binary.BigEndian.PutUint32(p[16:20], 1<<31)
	p[63] = 1
	return p
}

func TestNewCrypterRejectsBadKeys(t *testing.T) {
	for _, key := range []string{"", "short", vecKey + "A", strings.Repeat("*", 43)} {
		if _, err := newCrypter(vecToken, vecCorpID, key); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
}
