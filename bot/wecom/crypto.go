package wecom

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// Decryption failures, told apart so the callback can answer 400 or 401.
var (
	errCiphertext = errors.New("wecom: ciphertext is not valid")      // bad base64, length, padding
	errReceiveID  = errors.New("wecom: receiveid is not this CorpID") // authentic format, wrong addressee
)

// crypter is the WeCom message crypto for one app: msg_signature over
// (token, timestamp, nonce, encrypt) and AES-256-CBC with receiveid = CorpID.
// The key is decoded once; util.DecryptMsg would decode it per message and
// hides which check failed, so the raw-key util functions are used.
type crypter struct {
	token  string
	corpID string
	key    []byte // 32 bytes
}

func newCrypter(token, corpID, encodingAESKey string) (*crypter, error) {
	key, err := decodeAESKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	if token == "" || corpID == "" {
		return nil, errors.New("wecom: callback needs token and corp_id")
	}
	return &crypter{token: token, corpID: corpID, key: key}, nil
}

// sign returns the msg_signature of an encrypted payload.
func (c *crypter) sign(timestamp, nonce, encrypt string) string {
	return util.Signature(c.token, timestamp, nonce, encrypt)
}

// verify compares sig with the expected signature in constant time.
func (c *crypter) verify(sig, timestamp, nonce, encrypt string) bool {
	want := c.sign(timestamp, nonce, encrypt)
	return subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1
}

// decrypt opens an Encrypt value and checks its receiveid.
func (c *crypter) decrypt(encrypt string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", errCiphertext, err)
	}
	_, msg, id, err := util.AESDecryptMsg(raw, c.key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCiphertext, err)
	}
	if subtle.ConstantTimeCompare(id, []byte(c.corpID)) != 1 {
		return nil, errReceiveID
	}
	return msg, nil
}

// encrypt seals msg for WeCom with a fresh 16-byte random prefix.
func (c *crypter) encrypt(msg []byte) string {
	random := make([]byte, 16)
	_, _ = rand.Read(random) // never fails (crypto/rand, Go ≥ 1.24)
	return base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random, msg, c.corpID, c.key))
}
